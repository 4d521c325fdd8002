import type { FastifyServerOptions } from 'fastify'
import type { DestinationStream } from 'pino'

/** `?token=…` never reaches a log line (F13). */
export const redactUrl = (url: string): string =>
  url.replace(/([?&]token=)[^&#]*/gi, '$1[REDACTED]')

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
