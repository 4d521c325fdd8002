import fp from 'fastify-plugin'
import { createCallService, type CallService } from '../../services/call-service.js'

declare module 'fastify' {
  interface FastifyInstance {
    callService: CallService
  }
}

export default fp<{ ringTimeoutS: number; emptyRoomTimeoutS: number; sweepIntervalMs: number }>(
  async (fastify, { ringTimeoutS, emptyRoomTimeoutS, sweepIntervalMs }) => {
    const service = createCallService({
      calls: fastify.calls,
      users: fastify.users,
      fanout: fastify.fanout,
      ringTimeoutMs: ringTimeoutS * 1000,
      emptyRoomTimeoutMs: emptyRoomTimeoutS * 1000,
      sweepIntervalMs,
      log: fastify.log,
      onEnded: (call) => fastify.closeRoom(call),
      onLeft: (call, userId) => fastify.closeRoomFor(call, userId),
    })
    // Only a node that owns its database may assume open calls are left-overs: in a cluster they
    // are other nodes' live calls, and the deadlines end the ones that died.
    if (fastify.storage.singleNode) {
      const interrupted = await service.recover()
      if (interrupted > 0)
        fastify.log.warn({ interrupted }, 'ended calls left open by the last run')
    }
    fastify.decorate('callService', service)
    fastify.addHook('onClose', () => service.close())
  },
  { name: 'call-service', dependencies: ['db', 'realtime'] },
)
