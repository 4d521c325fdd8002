import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { ApiError } from '../../api-error.js'
import { errorBody, type ErrorCode } from '../../protocol/index.js'
import { describeValidation } from '../../validation-message.js'

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'invalid_input',
  401: 'invalid_token',
  403: 'forbidden',
  404: 'not_found',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'headers_too_large',
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

/**
 * Fastify's `frameworkErrors`: failures found while routing, before any route or hook runs (a bad
 * `%` escape in the path, a path segment over maxParamLength). The message never echoes the path,
 * which may be long or carry anything.
 */
export function frameworkErrorHandler(maxParamLength: number) {
  return (error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void => {
    const status = error.statusCode ?? 500
    const message =
      error.code === 'FST_ERR_BAD_URL'
        ? 'The URL path has a malformed %-escape'
        : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? `A path segment is longer than ${maxParamLength} characters`
          : status >= 500
            ? 'Internal Server Error'
            : 'Bad request'
    const code = status >= 500 ? 'internal_error' : (CODE_BY_STATUS[status] ?? 'invalid_input')
    void reply.code(status).send(errorBody(code, message))
  }
}

const CLIENT_ERRORS: Record<string, [status: number, message: string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request did not arrive in time'],
  HPE_HEADER_OVERFLOW: [431, 'Request headers are too large'],
}

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses never reach Fastify, so the
 * answer is written to the socket here. Logged without the error object, whose `rawPacket` holds
 * the request's bytes (tokens included).
 */
export function clientErrorHandler(
  this: FastifyInstance,
  error: NodeJS.ErrnoException,
  socket: Socket,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const [status, message] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'Malformed HTTP request']
  this.log.debug({ code: error.code, status }, 'client error')
  if (socket.writable) {
    const body = JSON.stringify(errorBody(CODE_BY_STATUS[status] ?? 'invalid_input', message))
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy(error)
}
