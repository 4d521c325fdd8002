import fp from 'fastify-plugin'
import { CloseCode, type Call } from '../protocol/index.js'
import { registerCallSocket } from './call-socket.js'
import type { WsContext } from './context.js'
import { tokenQuerySchema } from './context.js'
import { registerEventsSocket } from './events-socket.js'
import { roomTopic, type Fanout } from './fanout.js'
import { parseAnnouncement, type Announcement } from './announcement.js'
import { startHeartbeat } from './heartbeat.js'
import { PeerSocket, type PeerSocketLimits } from './peer-socket.js'
import { RedisFanout } from './redis-fanout.js'
import { clusterSocketCaps, localSocketCaps } from './socket-caps.js'
import { createUpgradeAuth } from './upgrade-auth.js'

declare module 'fastify' {
  interface FastifyInstance {
    fanout: Fanout
    /** Closes the sockets still in an ended call's room, on every node. */
    closeRoom(call: Call): void
    /** Closes one participant's sockets in a call's room (they left a call that goes on). */
    closeRoomFor(call: Call, userId: string): void
  }
}

export interface RealtimeOptions {
  allowedOrigins: readonly string[]
  pingIntervalMs: number
  maxSocketsPerUser: number
  limits: PeerSocketLimits
  fanout: Fanout
}

export default fp<RealtimeOptions>(
  async (fastify, options) => {
    const fanout = options.fanout
    fastify.decorate('fanout', fanout)
    // The room's sockets may sit on any node: the order goes to all of them.
    fanout.onAnnounce((message) => {
      const order = parseAnnouncement(message)
      if (!order) return
      for (const peer of fanout.localSubscribers(roomTopic(order.room_id))) {
        if (!(peer instanceof PeerSocket)) continue
        if (order.type === 'close_room') peer.close(CloseCode.callEnded, 'call has ended')
        else if (peer.userId === order.user_id) peer.close(CloseCode.callEnded, 'you left the call')
      }
    })
    const announce = (order: Announcement): void => {
      fanout
        .announce(JSON.stringify(order))
        .catch((error: unknown) =>
          fastify.log.error({ err: error }, `${order.type} announce failed`),
        )
    }
    fastify.decorate('closeRoom', (call: Call) =>
      announce({ type: 'close_room', room_id: call.room_id }),
    )
    fastify.decorate('closeRoomFor', (call: Call, userId: string) =>
      announce({ type: 'close_user', room_id: call.room_id, user_id: userId }),
    )
    fastify.decorateRequest('wsAuth', null)
    const ctx: WsContext = {
      upgradeAuth: createUpgradeAuth(fastify, options.allowedOrigins),
      tokenQuery: tokenQuerySchema(),
      // With Redis the cap counts a user's sockets on every node, not just this one.
      caps:
        fanout instanceof RedisFanout
          ? clusterSocketCaps(fanout, options.maxSocketsPerUser, (error) =>
              fastify.log.error({ err: error }, 'socket slot release failed'),
            )
          : localSocketCaps(options.maxSocketsPerUser),
      limits: options.limits,
      replaced: new Set(),
    }
    registerCallSocket(fastify, ctx)
    registerEventsSocket(fastify, ctx)
    const stop = startHeartbeat(fastify.websocketServer, options.pingIntervalMs)
    fastify.addHook('onClose', async () => stop())
  },
  { name: 'realtime', dependencies: ['websocket', 'auth', 'db', 'metrics'] },
)
