import type { SessionLike } from '../electron-adapter.js'
import { isBlockedSchemeUrl } from './blocked-schemes.js'
import { originOf, parseUrl } from './origin.js'
import { allowsRequest } from './private-network.js'

/** Why a request may not go out, or null when it may. */
export function requestRefusal(url: string): string | null {
  if (isBlockedSchemeUrl(url)) return `blocked scheme ${parseUrl(url)?.protocol ?? ''}`
  if (!allowsRequest(url))
    return `plain request to a public host: ${originOf(url) ?? '(unparsable)'}`
  return null
}

/**
 * The session's one request filter: Electron keeps a single onBeforeRequest listener per session
 * (a second call replaces the first), so every request rule lives here. It cancels blocked
 * schemes (E11) and plain http/ws to public hosts (private-network.ts, E22).
 */
export function installRequestFilter(
  session: Pick<SessionLike, 'webRequest'>,
  log: (message: string) => void,
): void {
  session.webRequest.onBeforeRequest((details, callback) => {
    const refusal = requestRefusal(details.url)
    if (refusal !== null) log(`refused ${refusal}`)
    callback(refusal === null ? {} : { cancel: true })
  })
}
