import { SignJWT, jwtVerify, errors } from 'jose'
import type { User } from '../protocol/index.js'

export const TOKEN_ISSUER = 'veracall-signaling'
export const TOKEN_AUDIENCE = 'veracall'

export interface TokenClaims {
  userId: string
  username: string
  /** Expiry, seconds since the epoch. */
  exp: number
}

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError'
  constructor(readonly reason: 'expired' | 'invalid') {
    super(reason === 'expired' ? 'token expired' : 'invalid token')
  }
}

/** HS256 JWTs. Verification pins the algorithm, issuer and audience and requires `exp` (D1). */
export function createTokenService(secret: string, ttlSeconds: number) {
  // Imported once: handing jose raw bytes makes it import the key again on every verify.
  const key = crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  )
  return {
    async sign(user: User): Promise<string> {
      return new SignJWT({ username: user.username })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(user.id)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(await key)
    },

    async verify(token: string): Promise<TokenClaims> {
      try {
        const { payload } = await jwtVerify(token, await key, {
          algorithms: ['HS256'],
          issuer: TOKEN_ISSUER,
          audience: TOKEN_AUDIENCE,
          requiredClaims: ['exp', 'sub'],
        })
        if (
          typeof payload.sub !== 'string' ||
          typeof payload.username !== 'string' ||
          typeof payload.exp !== 'number'
        ) {
          throw new InvalidTokenError('invalid')
        }
        return { userId: payload.sub, username: payload.username, exp: payload.exp }
      } catch (error) {
        if (error instanceof InvalidTokenError) throw error
        throw new InvalidTokenError(error instanceof errors.JWTExpired ? 'expired' : 'invalid')
      }
    },
  }
}

export type TokenService = ReturnType<typeof createTokenService>
