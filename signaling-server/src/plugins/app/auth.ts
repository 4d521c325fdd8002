import type { FastifyRequest, preHandlerHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { ApiError } from '../../api-error.js'
import { createDummyHash, hashPassword, verifyPassword } from '../../auth/passwords.js'
import { createTokenService, InvalidTokenError, type TokenService } from '../../auth/tokens.js'
import { cachedUserLookup } from '../../auth/user-lookup.js'
import type { User } from '../../protocol/index.js'

export interface AuthOptions {
  jwtSecret: string
  tokenTtlSeconds: number
  scryptN: number
}

export interface Passwords {
  hash(password: string): Promise<string>
  verify(password: string, stored: string): Promise<boolean>
  /** Same cost as a real check, for unknown users (D2). */
  burn(password: string): Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    tokens: TokenService
    passwords: Passwords
    /** Resolves the bearer token to a user who still exists, or throws a 401 ApiError. */
    userFromToken(token: string | undefined): Promise<{ user: User; exp: number }>
    /** preHandler for every authenticated route. */
    authenticate: preHandlerHookHandler
  }
  interface FastifyRequest {
    user: User | null
  }
}

/** The token of an `Authorization: Bearer <token>` header; the scheme is case-insensitive (RFC 7235). */
export const bearerToken = (header: string | undefined): string | undefined => {
  const match = /^bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header ?? '')
  return match?.[1]
}

interface TokenUser {
  user: User
  exp: number
}

/** A token's user, or the 401 for an account removed since the token was signed. */
function existing(user: User | undefined, exp: number): TokenUser {
  if (!user)
    throw new ApiError(401, 'invalid_token', 'This account no longer exists on this server')
  return { user, exp }
}

export default fp<AuthOptions>(
  async (fastify, { jwtSecret, tokenTtlSeconds, scryptN }) => {
    const tokens = createTokenService(jwtSecret, tokenTtlSeconds)
    const dummyHash = createDummyHash(scryptN)
    const findUser = cachedUserLookup((id) => fastify.users.findById(id))
    fastify.decorate('tokens', tokens)
    fastify.decorate('passwords', {
      hash: (password: string) => hashPassword(password, scryptN),
      verify: verifyPassword,
      burn: async (password: string) => {
        await verifyPassword(password, await dummyHash())
      },
    })
    /** The token's user and expiry; at once, with no promise, when its user is cached. */
    const resolveToken = (token: string | undefined): TokenUser | Promise<TokenUser> => {
      if (!token)
        throw new ApiError(401, 'invalid_token', 'Sign in first: this needs a bearer token')
      let claims
      try {
        claims = tokens.verify(token)
      } catch (error) {
        const expired = error instanceof InvalidTokenError && error.reason === 'expired'
        throw new ApiError(
          401,
          'invalid_token',
          expired ? 'Your session has expired: sign in again' : 'Invalid token',
        )
      }
      const { exp } = claims
      const found = findUser(claims.userId)
      return found instanceof Promise
        ? found.then((user) => existing(user, exp))
        : existing(found, exp)
    }
    fastify.decorate('userFromToken', async (token: string | undefined) => resolveToken(token))
    fastify.decorateRequest('user', null)
    // A callback hook: a request whose token and user are cached passes with no promise at all.
    fastify.decorate('authenticate', (request: FastifyRequest, _reply, done) => {
      let resolved
      try {
        resolved = resolveToken(bearerToken(request.headers.authorization))
      } catch (error) {
        return done(error as Error)
      }
      if (!(resolved instanceof Promise)) {
        request.user = resolved.user
        return done()
      }
      resolved.then((found) => {
        request.user = found.user
        done()
      }, done)
    })
  },
  { name: 'auth', dependencies: ['db'] },
)

/** The signed-in user of a route behind `authenticate` (which has already refused anyone else). */
export function signedInUser(request: FastifyRequest): User {
  if (!request.user) throw new ApiError(401, 'invalid_token', 'Sign in first')
  return request.user
}
