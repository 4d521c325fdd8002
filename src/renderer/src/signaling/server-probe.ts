import Value from 'typebox/value'
import type Type from 'typebox'
import { HealthResponse, ROUTES } from 'veracall-signaling/protocol'
import { ApiError } from './api-error.js'

export const PROBE_TIMEOUT_MS = 5000

/**
 * Asks `${baseUrl}/health` whether this is a Veracall server, and if not, why not (an ApiError):
 * - the answer is readable but not Veracall's health body: `not_veracall`;
 * - the request fails, yet the same request made without CORS (`mode: 'no-cors'`, whose answer the
 *   page may not read) gets an answer: something is listening but refused this page's origin,
 *   which a Veracall server does until CORS_ORIGINS names it: `cors_refused`. (A browser gives a
 *   page no way to read such an answer, so another kind of server without CORS reads the same.)
 * - nothing answers either way, or not in time: `unreachable`.
 */
export async function probeServer(
  baseUrl: string,
  fetchImpl: typeof fetch,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<Type.Static<typeof HealthResponse>> {
  const url = `${baseUrl}${ROUTES.health}`
  const signal = AbortSignal.timeout(timeoutMs)
  let res: Response
  try {
    res = await fetchImpl(url, { headers: { accept: 'application/json' }, signal })
  } catch {
    if (!signal.aborted && (await answersWithoutCors(url, fetchImpl, signal)))
      throw new ApiError('cors_refused', `${baseUrl} refused this app's origin (CORS)`)
    throw new ApiError('unreachable', `Cannot reach ${baseUrl}`)
  }
  const body: unknown = await res.json().catch(() => null)
  if (!Value.Check(HealthResponse, body))
    throw new ApiError('not_veracall', `${baseUrl} is not a Veracall server`, res.status)
  return body
}

async function answersWithoutCors(
  url: string,
  fetchImpl: typeof fetch,
  signal: AbortSignal,
): Promise<boolean> {
  try {
    await fetchImpl(url, { mode: 'no-cors', signal })
    return true
  } catch {
    return false
  }
}
