import type { FastifyInstance } from 'fastify'
import type { WebSocket } from 'ws'
import { CloseCode, ROUTES } from '../protocol/index.js'
import type { WsContext } from './context.js'
import { closeAtExpiry } from './expiry.js'
import { userTopic } from './fanout.js'
import { PeerSocket } from './peer-socket.js'
import { sendError } from './send.js'

/** `/ws/events`: the user's own channel for incoming_call, call_accepted, call_declined, call_ended. */
export function registerEventsSocket(fastify: FastifyInstance, ctx: WsContext): void {
  fastify.get(
    ROUTES.eventsSocket,
    { websocket: true, preValidation: ctx.upgradeAuth, schema: { querystring: ctx.tokenQuery } },
    (socket: WebSocket, request) => {
      const auth = request.wsAuth
      if (!auth) return socket.close(CloseCode.unauthorized, 'unauthorized')
      const userId = auth.user.id
      const peer = new PeerSocket(socket, userId, ctx.limits, () =>
        fastify.metrics.rejected.inc({ reason: 'slow_consumer' }),
      )
      const topic = userTopic(userId)
      const cancelExpiry = closeAtExpiry(socket, auth.exp)
      const fail = (error: unknown): void =>
        void request.log.error({ err: error }, 'events fanout failed')
      // Subscribed at once, so no push is missed; the slot (maybe counted cluster-wide, in Redis)
      // is taken meanwhile, and a socket over the cap is closed, which unsubscribes it.
      fastify.fanout.subscribe(topic, peer).catch(fail)
      let holdsSlot = false
      let closed = false
      ctx.caps
        .acquire(userId, peer.id)
        .then((acquired) => {
          if (!acquired) {
            fastify.metrics.rejected.inc({ reason: 'too_many_sockets' })
            return peer.close(CloseCode.tooManyConnections, 'too many connections')
          }
          if (closed) return ctx.caps.release(userId, peer.id)
          holdsSlot = true
        })
        .catch((error: unknown) => {
          fail(error)
          peer.close(CloseCode.tryAgainLater, 'try again later')
        })

      socket.on('message', () => {
        const admitted = peer.admit()
        if (admitted === 'close')
          return peer.close(CloseCode.policyViolation, 'message rate exceeded')
        fastify.metrics.rejected.inc({ reason: 'unknown_type' })
        sendError(peer, '', 'unknown_type', 'This channel only sends events; it takes no messages')
      })
      socket.on('close', () => {
        closed = true
        cancelExpiry()
        if (holdsSlot) ctx.caps.release(userId, peer.id)
        holdsSlot = false
        fastify.fanout.unsubscribe(topic, peer).catch(fail)
      })
    },
  )
}
