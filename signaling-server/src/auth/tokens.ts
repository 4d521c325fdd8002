import { createSecretKey } from 'node:crypto'
import { SignJWT } from 'jose'
import type { User } from '../protocol/index.js'
import { ClaimsCache } from './claims-cache.js'
import { verifyHs256, type TokenFailure } from './hs256.js'

export const TOKEN_ISSUER = 'veracall-signaling'
export const TOKEN_AUDIENCE = 'veracall'
/** Verified tokens remembered (≈ 0.5 KB each): far more than the sessions one server holds. */
export const CLAIMS_CACHE_SIZE = 10_000

export interface TokenClaims {
  userId: string
  username: string
  /** Expiry, seconds since the epoch. */
  exp: number
}

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError'
  constructor(readonly reason: TokenFailure) {
    super(reason === 'expired' ? 'token expired' : 'invalid token')
  }
}

export interface TokenServiceOptions {
  /** Milliseconds since the epoch (tests inject a clock). */
  now?: () => number
  cacheSize?: number
}

/**
 * HS256 JWTs. Signing stays with jose; verification is synchronous (hs256.ts) and pins the
 * algorithm, issuer and audience and requires `exp` and `sub` (D1). A verified token's claims are
 * cached until its expiry, so a client's repeated requests cost one HMAC, not one per request.
 */
export function createTokenService(
  secret: string,
  ttlSeconds: number,
  { now = Date.now, cacheSize = CLAIMS_CACHE_SIZE }: TokenServiceOptions = {},
) {
  const key = createSecretKey(Buffer.from(secret, 'utf8'))
  const cache = new ClaimsCache<TokenClaims>(cacheSize)
  const checks = { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, required: ['sub'] }
  return {
    async sign(user: User): Promise<string> {
      const issuedAtS = Math.floor(now() / 1000)
      return new SignJWT({ username: user.username })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(user.id)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setIssuedAt(issuedAtS)
        .setExpirationTime(issuedAtS + ttlSeconds)
        .sign(key)
    },

    /** The token's claims, or throws InvalidTokenError ('expired' or 'invalid'). */
    verify(token: string): TokenClaims {
      const nowS = Math.floor(now() / 1000)
      const cached = cache.get(token, nowS)
      if (cached) return cached
      const result = verifyHs256(token, key, { ...checks, nowS })
      if (!result.ok) throw new InvalidTokenError(result.reason)
      const { sub, username, exp } = result.payload
      if (typeof sub !== 'string' || typeof username !== 'string' || typeof exp !== 'number')
        throw new InvalidTokenError('invalid')
      const claims: TokenClaims = { userId: sub, username, exp }
      cache.set(token, claims)
      return claims
    },
  }
}

export type TokenService = ReturnType<typeof createTokenService>
