import { createHmac } from 'node:crypto'
import type { TurnConfig } from '../config.js'
import type { TurnCredentialsResponse } from '../protocol/index.js'

/**
 * coturn's REST-API scheme (`use-auth-secret`): the username is `<unix expiry>:<user id>` and the
 * password is base64(HMAC-SHA1(shared secret, username)). coturn recomputes the HMAC and refuses
 * the credential once the expiry has passed, so nothing is stored on either side.
 */
export function turnCredentials(
  turn: TurnConfig,
  userId: string,
  nowMs: number,
): TurnCredentialsResponse {
  const expiry = Math.floor(nowMs / 1000) + turn.ttlS
  const username = `${expiry}:${userId}`
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64')
  return { ice_servers: [{ urls: [...turn.urls], username, credential }], ttl_s: turn.ttlS }
}
