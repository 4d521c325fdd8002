import type { SessionLike } from '../electron-adapter.js'
import { parseUrl } from './origin.js'

/**
 * Schemes the app never loads (E11, after Signal's installWebHandler). http/https/ws/wss stay
 * open because the renderer talks to signaling servers; app:// is served by app-protocol.ts.
 */
export const BLOCKED_SCHEMES = [
  'about',
  'content',
  'chrome',
  'cid',
  'data',
  'file',
  'filesystem',
  'ftp',
  'gopher',
  'javascript',
  'mailto',
] as const

const BLOCKED = new Set<string>(BLOCKED_SCHEMES.map((scheme) => `${scheme}:`))

/** True for a URL on one of the blocked schemes (the request filter cancels those). */
export function isBlockedSchemeUrl(raw: string): boolean {
  const url = parseUrl(raw)
  return url !== null && BLOCKED.has(url.protocol)
}

/**
 * Where each blocked scheme is actually stopped. `protocol.handle` takes over file: (the one
 * built-in scheme it can intercept; on the others it intercepts nothing), so file:// answers 404.
 * Requests on the other schemes that reach the network stack are cancelled by the session's
 * request filter (request-filter.ts); data:, about:, javascript: never become requests, so
 * navigation.ts refuses them as navigation and window.open targets and the CSP as subresources.
 */
export function installBlockedSchemes(
  session: Pick<SessionLike, 'protocol'>,
  log: (message: string) => void,
): boolean {
  try {
    session.protocol.handle('file', () => new Response(null, { status: 404 }))
    return true
  } catch (error) {
    log(`could not block file: ${String(error)}`)
    return false
  }
}
