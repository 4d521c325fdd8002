import type { IncomingMessage, ServerResponse } from 'node:http'
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'

/** Security headers (F7). The API serves JSON; the CSP matters for the optional web client. */
export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      mediaSrc: ["'self'", 'blob:', 'mediastream:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'", 'ws:', 'wss:', 'http:', 'https:'],
      manifestSrc: ["'self'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
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

export default fp(
  async (fastify) => {
    const headers = Object.entries(securityHeaders(HELMET_OPTIONS))
    fastify.addHook('onRequest', (_request, reply, done) => {
      // On the raw response, as helmet did: answers written outside reply.send carry them too.
      for (const [name, value] of headers) reply.raw.setHeader(name, value)
      done()
    })
  },
  { name: 'helmet' },
)
