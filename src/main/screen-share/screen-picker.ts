import {
  MAX_SCREEN_SOURCES,
  MAX_SOURCE_NAME_LENGTH,
  MAX_THUMBNAIL_BYTES,
  THUMBNAIL_SIZE,
  type ScreenSource,
} from '../../shared/screen-sources.js'
import type {
  DesktopSourceLike,
  DisplayMediaCallback,
  DisplayMediaRequestLike,
  GetDesktopSources,
  SessionLike,
} from '../electron-adapter.js'
import { originOf } from '../security/origin.js'
import { IpcError } from '../ipc/result.js'

/** How long a pick stays good for the getDisplayMedia that follows it. */
export const CHOICE_TTL_MS = 30_000
const JPEG_QUALITY = 70

export interface ScreenPicker {
  /** Lists the screens and windows (thumbnails, names); the listing is what `choose` accepts. */
  listSources(): Promise<ScreenSource[]>
  /** The person picked a listed source, or cancelled (null). */
  choose(id: string | null): void
  /** The session's display-media handler: grants the pick, once, to the app's own page only. */
  handleRequest(request: DisplayMediaRequestLike, callback: DisplayMediaCallback): void
}

/**
 * Screen sharing in the desktop app. Chromium's getDisplayMedia has no picker inside Electron, so
 * the page shows its own: it lists sources here, the person picks one, then it calls
 * getDisplayMedia, and this handler hands over exactly that source. A request from any other
 * origin, without a fresh pick, or for a source not in the last listing, is refused.
 */
export function createScreenPicker(deps: {
  getSources: GetDesktopSources
  appOrigins: readonly string[]
  now?: () => number
  log(message: string): void
}): ScreenPicker {
  const now = deps.now ?? Date.now
  let listed = new Map<string, DesktopSourceLike>()
  let choice: { source: DesktopSourceLike; at: number } | null = null

  return {
    async listSources() {
      const sources = await deps.getSources({
        types: ['screen', 'window'],
        thumbnailSize: THUMBNAIL_SIZE,
        fetchWindowIcons: false,
      })
      const kept = sources
        .filter((s) => /^(screen|window):/.test(s.id))
        .slice(0, MAX_SCREEN_SOURCES)
      listed = new Map(kept.map((s) => [s.id, s]))
      choice = null
      return kept.map(toScreenSource)
    },
    choose(id) {
      if (id === null) {
        choice = null
        return
      }
      const source = listed.get(id)
      if (!source) throw new IpcError('not_allowed')
      choice = { source, at: now() }
    },
    handleRequest(request, callback) {
      const origin = originOf(request.frame?.url ?? request.securityOrigin ?? '')
      const picked = choice
      // One pick, one grant: a second getDisplayMedia needs a second pick.
      choice = null
      if (origin === null || !deps.appOrigins.includes(origin)) {
        deps.log(`display media: refused request from origin ${origin ?? '(none)'}`)
        callback(null)
        return
      }
      if (!request.videoRequested || picked === null || now() - picked.at > CHOICE_TTL_MS) {
        callback(null)
        return
      }
      callback({ video: picked.source })
    },
  }
}

/** Installs the picker's handler on the session, replacing any earlier one. */
export function installDisplayMediaHandler(session: SessionLike, picker: ScreenPicker): void {
  session.setDisplayMediaRequestHandler(null)
  session.setDisplayMediaRequestHandler((request, callback) =>
    picker.handleRequest(request, callback),
  )
}

function toScreenSource(source: DesktopSourceLike): ScreenSource {
  const jpeg = source.thumbnail.isEmpty() ? null : source.thumbnail.toJPEG(JPEG_QUALITY)
  return {
    id: source.id,
    kind: source.id.startsWith('screen:') ? 'screen' : 'window',
    name: source.name.slice(0, MAX_SOURCE_NAME_LENGTH),
    // A thumbnail over the cap (never at 320×180) is left out rather than failing the list.
    thumbnail:
      jpeg !== null && jpeg.byteLength <= MAX_THUMBNAIL_BYTES
        ? new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength)
        : new Uint8Array(0),
  }
}
