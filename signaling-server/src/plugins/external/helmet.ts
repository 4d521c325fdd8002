import type { IncomingMessage, ServerResponse } from 'node:http'
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'
import { cspDirectives, ROUTES } from '../../protocol/index.js'

/** Security headers (F7). The API serves JSON; the CSP matters for the optional web client. */
export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  // The web build's policy, the one its <meta> carries too (protocol/csp.ts).
  contentSecurityPolicy: {
    useDefaults: false,
    directives: cspDirectives({ target: 'web', dev: false }),
  },
  // A web client served from here must be able to use the camera and microphone.
  crossOriginEmbedderPolicy: false,
}

/**
 * The headers helmet sets for `options`, worked out once. Every directive here is a constant, so
 * every response gets the same headers: @fastify/helmet rebuilt the whole middleware, CSP string
 * included, on each request (7 % of a users/me request's CPU).
 */
export function securityHeaders(
  options: Readonly<HelmetOptions>,
): Readonly<Record<string, string>> {
  const headers = new Map<string, string>()
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name.toLowerCase(), String(value))
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase())
    },
  }
  helmet(options)(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error
    },
  )
  return Object.freeze(Object.fromEntries(headers))
}

/**
 * The health check may be fetched by a page of another origin in `no-cors` mode, whose answer the
 * page cannot read but whose arrival it sees: that is how a client tells a server that refuses its
 * origin (CORS_ORIGINS) from one that does not answer. A same-origin resource policy would turn
 * that answer into the same network error. The body stays unreadable across origins (no CORS).
 */
export const HEALTH_HEADERS: Readonly<HelmetOptions> = {
  ...HELMET_OPTIONS,
  crossOriginResourcePolicy: { policy: 'cross-origin' },
}

export default fp(
  async (fastify) => {
    const headers = Object.entries(securityHeaders(HELMET_OPTIONS))
    const healthHeaders = Object.entries(securityHeaders(HEALTH_HEADERS))
    fastify.addHook('onRequest', (request, reply, done) => {
      const set = request.routeOptions.url === ROUTES.health ? healthHeaders : headers
      // On the raw response, as helmet did: answers written outside reply.send carry them too.
      for (const [name, value] of set) reply.raw.setHeader(name, value)
      done()
    })
  },
  { name: 'helmet' },
)
