import fp from 'fastify-plugin'
import { CloseCode, type Call } from '../protocol/index.js'
import { registerCallSocket } from './call-socket.js'
import type { WsContext } from './context.js'
import { tokenQuerySchema } from './context.js'
import { registerEventsSocket } from './events-socket.js'
import { roomTopic, type Fanout } from './fanout.js'
import { parseAnnouncement } from './announcement.js'
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
      if (order?.type !== 'close_room') return
      for (const peer of fanout.localSubscribers(roomTopic(order.room_id))) {
        if (peer instanceof PeerSocket) peer.close(CloseCode.callEnded, 'call has ended')
      }
    })
    fastify.decorate('closeRoom', (call: Call) => {
      fanout
        .announce(JSON.stringify({ type: 'close_room', room_id: call.room_id }))
        .catch((error: unknown) => fastify.log.error({ err: error }, 'close_room announce failed'))
    })
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
