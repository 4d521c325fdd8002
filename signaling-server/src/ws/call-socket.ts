import type { FastifyInstance } from 'fastify'
import type { RawData, WebSocket } from 'ws'
import {
  CloseCode,
  RoomId,
  ROUTES,
  type ErrorCode,
  type PeerJoinedMessage,
  type PeerLeftMessage,
} from '../protocol/index.js'
import type { WsContext } from './context.js'
import { closeAtExpiry } from './expiry.js'
import { roomTopic } from './fanout.js'
import { parseClientMessage, relayFrame, relayMiddle, type ValidMessage } from './parse-message.js'
import { PeerSocket } from './peer-socket.js'
import { RelayFramer } from './relay-bytes.js'
import { sendError } from './send.js'
import Type from 'typebox'

const peerMessage = (type: 'peer_joined' | 'peer_left', roomId: string, userId: string): string =>
  JSON.stringify({
    type,
    call_id: roomId,
    user_id: userId,
    data: { user_id: userId },
    timestamp: Date.now(),
  } satisfies PeerJoinedMessage | PeerLeftMessage)

/** A text frame's bytes as one Buffer (what `ws` hands over with its default binaryType). */
const frameBytes = (raw: RawData): Buffer =>
  Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw)

/**
 * `/ws/call/:roomId`: signaling among the joined participants of one call (two in a 1:1 call, up
 * to MAX_CALL_PARTICIPANTS in a group call). A message goes to every other member, or, with `to`,
 * to that member only.
 */
export function registerCallSocket(fastify: FastifyInstance, ctx: WsContext): void {
  fastify.get<{ Params: { roomId: string } }>(
    ROUTES.callSocketPattern,
    {
      websocket: true,
      preValidation: ctx.upgradeAuth,
      schema: {
        params: Type.Object({ roomId: RoomId }, { additionalProperties: false }),
        querystring: ctx.tokenQuery,
      },
    },
    (socket: WebSocket, request) => {
      // Everything is attached synchronously, before any await, so no frame is missed (W10). Socket
      // errors go to the websocket plugin's handler, attached before this runs (socket-errors.ts).
      const auth = request.wsAuth
      const { roomId } = request.params
      if (!auth) return socket.close(CloseCode.unauthorized, 'unauthorized')
      const userId = auth.user.id
      const topic = roomTopic(roomId)
      const middle = relayMiddle(roomId, userId)
      const framer = new RelayFramer(roomId, userId)
      const relayedCount = fastify.metrics.relayed
      const peer = new PeerSocket(socket, userId, ctx.limits, () =>
        fastify.metrics.rejected.inc({ reason: 'slow_consumer' }),
      )
      let joined = false
      /** Set once the socket is known to belong in the room and holds a connection slot. */
      let admitted = false
      let callId = 0
      const cancelExpiry = closeAtExpiry(socket, auth.exp)
      const fail = (error: unknown): void =>
        void request.log.error({ err: error }, 'room fanout failed')

      /** The room's call is read from the database (any node's), before any frame is handled. */
      const authorize = async (): Promise<void> => {
        const call = await fastify.calls.byRoomId(roomId)
        if (!call) return peer.close(CloseCode.notFound, 'no such room')
        const me = call.participants?.find((p) => p.user_id === userId)
        if (!me) {
          fastify.metrics.rejected.inc({ reason: 'not_participant' })
          return peer.close(CloseCode.forbidden, 'not a participant of this call')
        }
        if (call.status === 'ended') return peer.close(CloseCode.callEnded, 'call has ended')
        // Only those in the call: not one who declined or left, nor a callee still ringing in a
        // group call. A 1:1 call admits both of its people, as the original contract does.
        const oneToOne = call.participants?.length === 2
        if (me.status !== 'joined' && !(oneToOne && me.status === 'invited')) {
          fastify.metrics.rejected.inc({ reason: 'not_participant' })
          return peer.close(CloseCode.forbidden, `not joined in this call (${me.status})`)
        }
        if (socket.readyState !== socket.OPEN) return
        if (!(await ctx.caps.acquire(userId, peer.id))) {
          fastify.metrics.rejected.inc({ reason: 'too_many_sockets' })
          return peer.close(CloseCode.tooManyConnections, 'too many connections')
        }
        // Closed while the slot was being taken: the close handler has already run.
        if (socket.readyState !== socket.OPEN) return ctx.caps.release(userId, peer.id)
        admitted = true
        callId = call.id
      }

      const join = async (): Promise<void> => {
        // A re-join from a new socket of the same user (a reconnect) replaces the old one (R2).
        for (const other of fastify.fanout.localSubscribers(topic)) {
          if (other.userId === userId && other.id !== peer.id && other instanceof PeerSocket) {
            ctx.replaced.add(other.id)
            await fastify.fanout.unsubscribe(topic, other)
            other.close(CloseCode.replaced, 'replaced by a newer connection')
          }
        }
        const present = await fastify.fanout.subscribe(topic, peer)
        if (!joined)
          await fastify.fanout.publish(topic, peerMessage('peer_joined', roomId, userId), peer.id)
        joined = true
        for (const other of new Set(present))
          if (other !== userId) peer.deliver(peerMessage('peer_joined', roomId, other))
      }

      const leave = async (): Promise<void> => {
        if (!joined) return
        joined = false
        await fastify.fanout.unsubscribe(topic, peer)
        if (!ctx.replaced.has(peer.id))
          await fastify.fanout.publish(topic, peerMessage('peer_left', roomId, userId))
        await fastify.callService.roomLeft(callId)
      }

      // One socket's messages take effect in the order they arrive. A join or leave awaits the
      // fanout (remote in a multi-node setup), so while one is in flight the frames behind it,
      // and the leave on close, wait their turn: otherwise an offer sent right after "join" is
      // refused as not_in_room, and a socket closed mid-join stays subscribed.
      let pending: Promise<void> | undefined
      const inOrder = (task: () => void | Promise<void>): void => {
        const run: Promise<void> = (pending ?? Promise.resolve())
          .then(task)
          .catch(fail)
          .finally(() => {
            if (pending === run) pending = undefined
          })
        pending = run
      }

      /** Counts the refusal and tells the client why; the socket stays open (W5). */
      const reject = (code: ErrorCode, text: string): void => {
        fastify.metrics.rejected.inc({ reason: code })
        sendError(peer, roomId, code, text)
      }

      const handle = (raw: RawData, isBinary: boolean): void => {
        if (!admitted) return
        if (isBinary) {
          return reject('invalid_input', 'Binary frames are not part of the protocol')
        }
        const bytes = frameBytes(raw)
        const message = parseClientMessage(bytes.toString())
        if (!message.ok) {
          return reject(message.code, message.message)
        }
        if (message.callId !== roomId) {
          return reject('invalid_input', "call_id must be this room's id")
        }
        if (message.type === 'join') return inOrder(join)
        if (message.type === 'leave') return inOrder(leave)
        if (!joined) {
          return reject('not_in_room', 'Send "join" before signaling')
        }
        if (message.to !== undefined) return relayTo(message, bytes, message.to)
        // Relayed as sent, but for user_id, which is the token's (W6); framed once for the room.
        const fanout = fastify.fanout
        if (fanout.publishNow) {
          // Every subscriber is local: delivered now, no promise per message, and as bytes.
          try {
            const relayed = framer.frame(message, bytes, Date.now())
            relayedCount.inc(fanout.publishNow(topic, relayed, peer.id))
          } catch (error) {
            fail(error)
          }
          return
        }
        fanout
          .publish(topic, relayFrame(middle, message, Date.now()), peer.id)
          .then((n) => relayedCount.inc(n))
          .catch(fail)
      }

      /**
       * A message for one member: refused, nothing relayed, unless `to` is someone else in the
       * room now. Across nodes membership is asked of Redis, so the message waits its turn.
       */
      const relayTo = (message: ValidMessage, bytes: Buffer, to: string): void => {
        const notInRoom = () =>
          reject('recipient_not_in_room', '"to" must name another member of this room')
        if (to === userId) return notInRoom()
        const fanout = fastify.fanout
        if (fanout.publishNow) {
          if (!fanout.localSubscribers(topic).some((s) => s.userId === to)) return notInRoom()
          try {
            const relayed = framer.frame(message, bytes, Date.now(), to)
            relayedCount.inc(fanout.publishNow(topic, relayed, peer.id, to))
          } catch (error) {
            fail(error)
          }
          return
        }
        const relayed = relayFrame(relayMiddle(roomId, userId, to), message, Date.now())
        inOrder(async () => {
          if (!(await fanout.members(topic)).includes(to)) return notInRoom()
          relayedCount.inc(await fanout.publish(topic, relayed, peer.id, to))
        })
      }

      inOrder(authorize)
      socket.on('message', (raw, isBinary) => {
        // The budget is spent on arrival, even by frames that wait behind a join.
        const budget = peer.admit()
        if (budget === 'limited') return reject('rate_limited', 'Too many messages: slow down')
        if (budget === 'close') {
          fastify.metrics.rejected.inc({ reason: 'rate_limited' })
          return peer.close(CloseCode.policyViolation, 'message rate exceeded')
        }
        if (pending) inOrder(() => handle(raw, isBinary))
        else handle(raw, isBinary)
      })

      socket.on('close', () => {
        cancelExpiry()
        inOrder(async () => {
          if (!admitted) return
          admitted = false
          ctx.caps.release(userId, peer.id)
          try {
            await leave()
          } finally {
            ctx.replaced.delete(peer.id)
          }
        })
      })
    },
  )
}
