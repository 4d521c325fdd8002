import type { FastifyServerOptions } from 'fastify'
import type { DestinationStream } from 'pino'

/** Names whose query value is a secret, compared after decoding. */
const SECRET_QUERY_KEYS = new Set(['token'])

/** Percent-decodes what it can and leaves malformed sequences as they are (never throws). */
const decodeLeniently = (text: string): string =>
  text.replace(/\+/g, ' ').replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run)
    } catch {
      return run
    }
  })

/**
 * `?token=…` never reaches a log line (F13), however its name is spelled: the query parser decodes
 * `%74oken` to `token` (which authenticates), so the name is compared decoded.
 */
export function redactUrl(url: string): string {
  const start = url.indexOf('?')
  if (start === -1) return url
  const hash = url.indexOf('#', start)
  const end = hash === -1 ? url.length : hash
  const query = url
    .slice(start + 1, end)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=')
      const name = equals === -1 ? pair : pair.slice(0, equals)
      return equals !== -1 && SECRET_QUERY_KEYS.has(decodeLeniently(name).trim().toLowerCase())
        ? `${name}=[REDACTED]`
        : pair
    })
    .join('&')
  return `${url.slice(0, start + 1)}${query}${url.slice(end)}`
}

/** pino options: secrets redacted wherever they could appear (F13). */
export function loggerOptions(
  level: string,
  stream?: DestinationStream,
): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream && { stream }),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["sec-websocket-protocol"]',
        '*.password',
        '*.token',
        '*.credential',
        'password',
        'token',
      ],
      censor: '[REDACTED]',
    },
    serializers: {
      req: (request: {
        method: string
        url: string
        ip?: string
        headers: Record<string, unknown>
      }) => ({
        method: request.method,
        url: redactUrl(request.url),
        remoteAddress: request.ip,
      }),
    },
  }
}
