import type { DetectionPort } from '../../../shared/detection.js'
import {
  createUnavailableDetectionPort,
  createWebDetectionPort,
  type WebDetectorUnavailable,
} from '../detection/web-detection-port.js'
import type { Platform, TokenStore } from './platform.js'
import { createLocalPrefsStore } from '../controller/prefs.js'
import { safeLocalStorage } from './local-storage.js'
import { isSafeExternalUrl } from '../../../shared/external-url.js'

const isLoopbackHost = (hostname: string): boolean =>
  hostname === '127.0.0.1' || hostname === 'localhost'

/**
 * A standalone loopback detector bridge the page was told about
 * (`?detector=ws://127.0.0.1:PORT/detector`, from `npm run detector:bridge`). Loopback only: a link
 * must never be able to send the other person's video frames to a remote host.
 */
export function detectorBridgeUrl(search: string): string | null {
  const raw = new URLSearchParams(search).get('detector')
  if (!raw) return null
  try {
    const url = new URL(raw)
    return url.protocol === 'ws:' && isLoopbackHost(url.hostname) && url.pathname === '/detector'
      ? url.toString()
      : null
  } catch {
    return null
  }
}

/**
 * Where the page's face check runs: a bridge named in the URL, else the one `npm start` serves at
 * /detector on the page's own origin, which must be this computer (http://localhost or
 * http://127.0.0.1). A page from anywhere else gets no bridge, and the reason says so.
 */
export function detectorBridgeFor(
  location: Pick<Location, 'search' | 'protocol' | 'hostname' | 'host'>,
): { url: string } | { unavailable: WebDetectorUnavailable } {
  const named = detectorBridgeUrl(location.search)
  if (named) return { url: named }
  if (location.protocol === 'http:' && isLoopbackHost(location.hostname))
    return { url: `ws://${location.host}/detector` }
  return { unavailable: 'web_remote_page' }
}

/** Memory only: a reload signs the person out, which is the price of keeping the token out of storage. */
export function createMemoryTokenStore(): TokenStore {
  let token: string | null = null
  return {
    get: async () => token,
    set: async (next) => {
      token = next
    },
  }
}

/** The web build's ringing: no do-not-disturb to honour, so it always rings, and notifies. */
export function ringFromPage(notify: Platform['notify']): Platform['ring'] {
  return async (_call, notification) => {
    void notify(notification)
    return true
  }
}

/** The web build saves a recording as a download (the browser asks where, or uses Downloads). */
export function downloadRecording(win: Window): Platform['saveRecording'] {
  return async (recording, suggestedName) => {
    const url = URL.createObjectURL(recording)
    const link = win.document.createElement('a')
    link.href = url
    link.download = `${suggestedName.replace(/[/\\:*?"<>|]/g, '_')}.webm`
    link.rel = 'noopener'
    win.document.body.append(link)
    link.click()
    link.remove()
    // Revoked only once the browser has surely read it (revoking at once can cancel a download).
    win.setTimeout(() => URL.revokeObjectURL(url), 60_000)
    return true
  }
}

/** The plain browser build, served by the signaling server itself (same origin, no CORS). */
export function createWebPlatform(win: Window = window): Platform {
  const bridge = detectorBridgeFor(win.location)
  const detection: DetectionPort =
    'url' in bridge
      ? createWebDetectionPort(bridge.url)
      : createUnavailableDetectionPort(bridge.unavailable)
  const notify: Platform['notify'] = async ({ title, body, tag }) => {
    if (!('Notification' in win) || !win.document.hidden) return false
    let permission = Notification.permission
    if (permission === 'default') permission = await Notification.requestPermission()
    if (permission !== 'granted') return false
    new Notification(title, { body, tag })
    return true
  }
  return {
    kind: 'web',
    defaultServerUrl: async () => win.location.origin,
    tokens: createMemoryTokenStore(),
    prefs: createLocalPrefsStore(safeLocalStorage(win)),
    detection,
    notify,
    ring: ringFromPage(notify),
    openExternal(url) {
      if (isSafeExternalUrl(url)) win.open(url, '_blank', 'noopener,noreferrer')
    },
    saveRecording: downloadRecording(win),
    languages: () => win.navigator.languages,
  }
}
