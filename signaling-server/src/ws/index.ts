import fp from 'fastify-plugin'
import { CloseCode, type Call } from '../protocol/index.js'
import { registerCallSocket } from './call-socket.js'
import { ConnectionCaps } from './connection-caps.js'
import type { WsContext } from './context.js'
import { tokenQuerySchema } from './context.js'
import { registerEventsSocket } from './events-socket.js'
import { InMemoryFanout, roomTopic, type Fanout } from './fanout.js'
import { startHeartbeat } from './heartbeat.js'
import { PeerSocket, type PeerSocketLimits } from './peer-socket.js'
import { createUpgradeAuth } from './upgrade-auth.js'

declare module 'fastify' {
  interface FastifyInstance {
    fanout: Fanout
    /** Closes the sockets still in an ended call's room. */
    closeRoom(call: Call): void
  }
}

export interface RealtimeOptions {
  allowedOrigins: readonly string[]
  pingIntervalMs: number
  maxSocketsPerUser: number
  limits: PeerSocketLimits
  fanout?: Fanout
}

export default fp<RealtimeOptions>(
  async (fastify, options) => {
    const fanout = options.fanout ?? new InMemoryFanout()
    fastify.decorate('fanout', fanout)
    fastify.decorate('closeRoom', (call: Call) => {
      for (const peer of fanout.localSubscribers(roomTopic(call.room_id))) {
        if (peer instanceof PeerSocket) peer.close(CloseCode.callEnded, 'call has ended')
      }
    })
    fastify.decorateRequest('wsAuth', null)
    const ctx: WsContext = {
      upgradeAuth: createUpgradeAuth(fastify, options.allowedOrigins),
      tokenQuery: tokenQuerySchema(),
      caps: new ConnectionCaps(options.maxSocketsPerUser),
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
