import type { SessionLike } from '../electron-adapter.js'
import { originOf } from './origin.js'

/**
 * Which permissions the app's own origin may have (E7): media (audio/video) and notifications.
 * Everything else, and everything for any other origin, is denied. The renderer uses neither the
 * Fullscreen API nor the clipboard, so those are denied too. Screen capture is granted by the
 * session's display-media handler instead (screen-share/screen-picker.ts: the app's origin, a
 * source the person picked), never as a blanket `display-capture` permission.
 */
export const APP_ORIGIN_PERMISSIONS: Readonly<Record<string, boolean>> = Object.freeze({
  media: true,
  notifications: true,
  fullscreen: false,
  'clipboard-sanitized-write': false,
  'clipboard-read': false,
  'display-capture': false,
  geolocation: false,
  midi: false,
  midiSysex: false,
  pointerLock: false,
  openExternal: false,
  hid: false,
  serial: false,
  usb: false,
})

const MEDIA_TYPES = new Set(['audio', 'video'])

export interface PermissionQuestion {
  permission: string
  /** URL or origin asking. */
  origin: string | undefined
  /** Request handler: the kinds of media asked for; check handler: one kind or 'unknown'. */
  mediaTypes?: readonly string[]
}

export function decidePermission(q: PermissionQuestion, appOrigins: readonly string[]): boolean {
  const origin = q.origin === undefined ? null : originOf(q.origin)
  if (origin === null || !appOrigins.includes(origin)) return false
  if (APP_ORIGIN_PERMISSIONS[q.permission] !== true) return false
  if (q.permission === 'media') {
    const types = q.mediaTypes ?? []
    return types.length > 0 && types.every((t) => MEDIA_TYPES.has(t))
  }
  return true
}

/** Installs both handlers, resetting them first so no earlier handler survives (pattern 6). */
export function installPermissionHandlers(
  session: SessionLike,
  appOrigins: readonly string[],
): void {
  session.setPermissionRequestHandler(null)
  session.setPermissionCheckHandler(null)
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(
      decidePermission(
        { permission, origin: details.requestingUrl, mediaTypes: details.mediaTypes ?? [] },
        appOrigins,
      ),
    )
  })
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    decidePermission(
      {
        permission,
        origin: details.requestingUrl ?? requestingOrigin,
        mediaTypes: details.mediaType === undefined ? [] : [details.mediaType],
      },
      appOrigins,
    ),
  )
}
