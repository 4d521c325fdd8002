import type { ScreenSource } from '../../../shared/screen-sources.js'
import type { VeracallApi } from '../../../shared/ipc-contract.js'
import { desktopApi, type Platform } from '../platform/platform.js'

/**
 * Captures a screen or window: a video track, or null when the person cancelled. `pick` shows the
 * app's own picker; the browser build never needs it (the browser shows its own).
 */
export type CaptureScreen = (
  pick: (sources: ScreenSource[]) => Promise<string | null>,
) => Promise<MediaStreamTrack | null>

/** Screen content: sharp text matters more than motion, and 15 fps is plenty. */
const DISPLAY: MediaStreamConstraints = {
  video: { frameRate: { ideal: 15, max: 30 } },
  audio: false,
}

/** The web build: getDisplayMedia with the browser's picker. */
export const captureWithBrowser: CaptureScreen = async () => {
  const stream = await navigator.mediaDevices.getDisplayMedia(DISPLAY)
  for (const extra of stream.getAudioTracks()) extra.stop()
  return stream.getVideoTracks()[0] ?? null
}

/**
 * The desktop app: Electron has no picker of its own, so main lists the sources, the page shows
 * them, main is told the pick, and getDisplayMedia then gets exactly that source from main's
 * display-media handler.
 */
export function captureWithDesktopPicker(api: VeracallApi): CaptureScreen {
  return async (pick) => {
    const listed = await api.screenListSources()
    if (!listed.ok) throw new Error(`screen sources: ${listed.error.code}`)
    const id = await pick(listed.value)
    const chosen = await api.screenChooseSource(id)
    if (!chosen.ok) throw new Error(`screen choice: ${chosen.error.code}`)
    if (id === null) return null
    return captureWithBrowser(pick)
  }
}

/** The platform's way: the desktop app's picker when there is a desktop API, else the browser's. */
export function captureFor(platform: Platform): CaptureScreen {
  const api = desktopApi(platform)
  return api ? captureWithDesktopPicker(api) : captureWithBrowser
}
