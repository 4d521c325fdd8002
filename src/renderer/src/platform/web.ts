import type { DetectionPort } from '../../../shared/detection.js'
import { createWebDetectionPort } from '../detection/web-detection-port.js'
import type { Platform, TokenStore } from './platform.js'
import { isSafeExternalUrl } from './platform.js'

/**
 * The loopback detector bridge the page was told about (`?detector=ws://127.0.0.1:PORT/detector`,
 * printed by `npm start`). Loopback only: a link must never be able to send the other person's
 * video frames to a remote host.
 */
export function detectorBridgeUrl(search: string): string | null {
  const raw = new URLSearchParams(search).get('detector')
  if (!raw) return null
  try {
    const url = new URL(raw)
    const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost'
    return url.protocol === 'ws:' && loopback && url.pathname === '/detector'
      ? url.toString()
      : null
  } catch {
    return null
  }
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

/** The plain browser build, served by the signaling server itself (same origin, no CORS). */
export function createWebPlatform(win: Window = window): Platform {
  const bridge = detectorBridgeUrl(win.location.search)
  const detection: DetectionPort | null = bridge ? createWebDetectionPort(bridge) : null
  return {
    kind: 'web',
    defaultServerUrl: async () => win.location.origin,
    tokens: createMemoryTokenStore(),
    detection,
    async notify({ title, body, tag }) {
      if (!('Notification' in win) || !win.document.hidden) return false
      let permission = Notification.permission
      if (permission === 'default') permission = await Notification.requestPermission()
      if (permission !== 'granted') return false
      new Notification(title, { body, tag })
      return true
    },
    openExternal(url) {
      if (isSafeExternalUrl(url)) win.open(url, '_blank', 'noopener,noreferrer')
    },
    languages: () => win.navigator.languages,
  }
}
