import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ApiError } from '../api-error.js'
import { BEARER_SUBPROTOCOL_PREFIX, type User } from '../protocol/index.js'

declare module 'fastify' {
  interface FastifyRequest {
    wsAuth: { user: User; exp: number } | null
  }
}

/** The JWT from `?token=` or from a `bearer.<jwt>` subprotocol offer (browsers can't set headers). */
export function upgradeToken(request: FastifyRequest): string | undefined {
  const query = request.query as { token?: string }
  if (query.token) return query.token
  const offered = request.headers['sec-websocket-protocol']
  return offered
    ?.split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith(BEARER_SUBPROTOCOL_PREFIX))
    ?.slice(BEARER_SUBPROTOCOL_PREFIX.length)
}

/**
 * Cross-site WebSocket hijacking guard (W3): a browser always sends Origin, so a page may connect
 * only from an allowed origin or from this server's own origin. Non-browser clients send no Origin
 * and still need a valid token.
 */
export function isAllowedOrigin(
  origin: string,
  request: FastifyRequest,
  allowed: readonly string[],
): boolean {
  if (allowed.includes(origin)) return true
  const host = request.headers.host
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`)
}

/** preValidation for WebSocket routes: refuses before the upgrade (HTTP 403/401), so no socket is opened. */
export function createUpgradeAuth(fastify: FastifyInstance, allowedOrigins: readonly string[]) {
  return async (request: FastifyRequest): Promise<void> => {
    const origin = request.headers.origin
    if (origin !== undefined && !isAllowedOrigin(origin, request, allowedOrigins)) {
      fastify.metrics.rejected.inc({ reason: 'origin' })
      throw new ApiError(403, 'forbidden', 'This origin may not open a WebSocket here')
    }
    try {
      request.wsAuth = await fastify.userFromToken(upgradeToken(request))
    } catch (error) {
      fastify.metrics.rejected.inc({ reason: 'auth' })
      throw error
    }
  }
}
