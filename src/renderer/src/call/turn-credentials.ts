import type { ApiClient } from '../signaling/api-client.js'
import { ApiError } from '../signaling/api-error.js'
import { parseIceUrls } from './ice-servers.js'

/** How long a call waits for its TURN credential before going on without one. */
export const TURN_FETCH_TIMEOUT_MS = 4000

/**
 * The server's TURN relay for one call, fetched fresh at the start of each call (the credential
 * is short-lived). Never fails the call: a server without TURN (404) gives none silently; any
 * other failure, or no answer in time, gives none with a warning, and STUN alone is tried.
 */
export async function fetchCallTurnServers(
  api: ApiClient,
  timeoutMs = TURN_FETCH_TIMEOUT_MS,
): Promise<RTCIceServer[]> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs)
  })
  try {
    const response = await Promise.race([api.turnCredentials(), timeout])
    if (!response) {
      console.warn('TURN credentials: no answer in time, calling without TURN')
      return []
    }
    return response.ice_servers.flatMap((server) => {
      // Only turn:/turns: URLs from this endpoint; a malformed one is dropped, not fatal.
      const urls = parseIceUrls(server.urls.join(' ')).filter((u) => /^turns?:/i.test(u))
      return urls.length > 0
        ? [{ urls, username: server.username, credential: server.credential }]
        : []
    })
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404))
      console.warn('TURN credentials: request failed, calling without TURN', err)
    return []
  } finally {
    clearTimeout(timer)
  }
}
