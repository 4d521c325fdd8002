import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { WebSocket } from 'ws'

/** `ws` codes for a frame over maxPayload (the socket is already closing with 1009). */
const OVERSIZED = new Set([
  'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
  'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH',
])
/** The peer went away mid-write: nothing the server did wrong. */
const DISCONNECTS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT'])

/** Why a socket error is the client's doing, as a `rejected` metric reason; undefined if it is ours. */
export function clientSocketErrorReason(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code
  if (typeof code !== 'string') return undefined
  if (OVERSIZED.has(code)) return 'payload_too_large'
  if (code.startsWith('WS_ERR_')) return 'invalid_frame'
  if (DISCONNECTS.has(code)) return 'disconnected'
  return undefined
}

/**
 * @fastify/websocket's error handler. Its default logs every socket error at error level with a
 * stack, so any client could flood the logs with oversized or malformed frames: those are counted
 * and logged at debug; only a failure of the server's own handlers is an error.
 */
export function createSocketErrorHandler(fastify: FastifyInstance) {
  return (error: Error, socket: WebSocket, request: FastifyRequest): void => {
    const reason = clientSocketErrorReason(error)
    if (reason === undefined) {
      request.log.error({ err: error }, 'websocket handler failed')
    } else {
      fastify.metrics.rejected.inc({ reason })
      const { code } = error as { code?: string }
      request.log.debug(
        { reason, code, detail: error.message },
        'websocket closed by a client error',
      )
    }
    socket.terminate()
  }
}
