import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyReply, onRequestHookHandler } from 'fastify'
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
 * What a JSON answer needs (the OWASP REST Security Cheat Sheet's headers): no sniffing, no
 * framing, HTTPS only, no cross-origin reads, no referrer, and a CSP that allows nothing. The rest
 * of the page policy (script and media sources, opener and agent-cluster isolation, IE and Flash
 * switches) only means something for a document, and it was 0.8 KB on every answer (all of
 * helmet's headers cost a sixth of a `GET /users/me`'s server CPU). The web client's own files keep
 * the page policy.
 */
export const API_HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xFrameOptions: { action: 'deny' },
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
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
  ...API_HELMET_OPTIONS,
  crossOriginResourcePolicy: { policy: 'cross-origin' },
}

/**
 * Puts `headers` on the raw response, as helmet did: answers written outside reply.send carry
 * them too. Worked out once, for every answer.
 */
function headerSetter(headers: Readonly<Record<string, string>>): (reply: FastifyReply) => void {
  const entries = Object.entries(headers)
  return (reply) => {
    for (const [name, value] of entries) reply.raw.setHeader(name, value)
  }
}

/**
 * The page policy, for the scope that serves the web client's files (web-root.ts): set after the
 * API's, over it (it names every header the API's does). Unknown paths keep the API's headers, as
 * a refused `/metrics` does, so both answer alike.
 */
export function pageHeadersHook(): onRequestHookHandler {
  const put = headerSetter(securityHeaders(HELMET_OPTIONS))
  return (_request, reply, done) => {
    put(reply)
    done()
  }
}

export default fp(
  async (fastify) => {
    const api = headerSetter(securityHeaders(API_HELMET_OPTIONS))
    const health = headerSetter(securityHeaders(HEALTH_HEADERS))
    fastify.addHook('onRequest', (request, reply, done) => {
      ;(request.routeOptions.url === ROUTES.health ? health : api)(reply)
      done()
    })
  },
  { name: 'helmet' },
)
