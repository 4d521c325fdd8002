import type { SessionLike } from '../electron-adapter.js'
import { buildCsp } from 'veracall-signaling/protocol'
import { originOf } from './origin.js'

/**
 * Development only: the renderer comes from the Vite dev server, not the app:// handler, so no
 * policy header was sent and the page ran with no CSP at all. This adds the desktop dev policy (buildCsp) to
 * every response from that origin (the session's one onHeadersReceived listener).
 */
export function installDevCsp(
  session: Pick<SessionLike, 'webRequest'>,
  devServerUrl: string,
): string | null {
  const devServerOrigin = originOf(devServerUrl)
  if (devServerOrigin === null) return null
  const csp = buildCsp({ target: 'desktop', dev: true, devServerOrigin })
  session.webRequest.onHeadersReceived((details, callback) => {
    if (originOf(details.url) !== devServerOrigin) {
      callback({})
      return
    }
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(
        ([name]) => name.toLowerCase() !== 'content-security-policy',
      ),
    )
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [csp] } })
  })
  return csp
}
