import type { User } from '../protocol/index.js'
import { ClaimsCache } from './claims-cache.js'

/**
 * Accounts are never changed through the API, so the row one request read can serve the next
 * requests with the same id: at a few requests per second per client this takes the database off
 * the authenticated hot path (it was the largest single cost of `GET /users/me`). The short bound
 * makes an account removed behind the server's back (an operator's SQL) stop working soon, on every
 * node of a cluster. Only found accounts are remembered, so a new account is never refused.
 */
export const USER_LOOKUP_TTL_S = 30
export const USER_LOOKUP_CAPACITY = 10_000

export interface UserLookupOptions {
  /** Milliseconds since the epoch (tests inject a clock). */
  now?: () => number
  ttlS?: number
  capacity?: number
}

export function cachedUserLookup(
  findById: (id: string) => Promise<User | undefined>,
  {
    now = Date.now,
    ttlS = USER_LOOKUP_TTL_S,
    capacity = USER_LOOKUP_CAPACITY,
  }: UserLookupOptions = {},
): (id: string) => User | Promise<User | undefined> {
  const cache = new ClaimsCache<{ user: User; exp: number }>(capacity)
  // A hit is answered at once, not through a promise: the authenticated hot path then makes none.
  return (id) => {
    const nowS = now() / 1000
    const hit = cache.get(id, nowS)
    if (hit) return hit.user
    return findById(id).then((user) => {
      if (user) cache.set(id, { user, exp: nowS + ttlS })
      return user
    })
  }
}
