import type { FastifyError, FastifyInstance } from 'fastify'
import { ApiError } from '../../api-error.js'
import { errorBody, type ErrorCode } from '../../protocol/index.js'
import { describeValidation } from '../../validation-message.js'

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'invalid_input',
  401: 'invalid_token',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
}

/**
 * One place turns every failure into the protocol's `{error: {code, message}}` (F10). Client
 * errors say what was wrong; server errors are logged and answered with a generic message, never a
 * stack or an internal detail. Must run before any route is added, plugins' own routes included
 * (@fastify/cors adds `OPTIONS *`): a route keeps the error handler in force when it is added.
 */
export function installErrorHandler(fastify: FastifyInstance): void {
  fastify.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      return reply.code(error.statusCode).send(errorBody(error.code, error.message))
    }
    if (error.validation) {
      const where = error.validationContext ?? 'request'
      return reply
        .code(400)
        .send(errorBody('invalid_input', describeValidation(error.validation, where)))
    }
    const status = error.statusCode ?? 500
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed')
      const unavailable = status === 503
      return reply
        .code(unavailable ? 503 : 500)
        .send(
          unavailable
            ? errorBody('service_unavailable', 'Service unavailable')
            : errorBody('internal_error', 'Internal Server Error'),
        )
    }
    const code: ErrorCode =
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
        ? 'invalid_json'
        : (CODE_BY_STATUS[status] ?? 'invalid_input')
    return reply.code(status).send(errorBody(code, error.message))
  })
}

/** Needs @fastify/rate-limit registered first. */
export function installNotFoundHandler(fastify: FastifyInstance): void {
  fastify.setNotFoundHandler(
    // Unknown URLs are rate limited too, so probing them is not free (F6).
    { preHandler: fastify.rateLimit() },
    (request, reply) =>
      reply
        .code(404)
        .send(
          errorBody('not_found', `Route ${request.method} ${request.url.split('?')[0]} not found`),
        ),
  )
}
