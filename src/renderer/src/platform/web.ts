import type { Platform, TokenStore } from './platform.js'
import { isSafeExternalUrl } from './platform.js'

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
  return {
    kind: 'web',
    defaultServerUrl: async () => win.location.origin,
    tokens: createMemoryTokenStore(),
    detection: null,
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
