import fp from 'fastify-plugin'
import { createCallService, type CallService } from '../../services/call-service.js'

declare module 'fastify' {
  interface FastifyInstance {
    callService: CallService
  }
}

export default fp<{ ringTimeoutS: number; emptyRoomTimeoutS: number }>(
  async (fastify, { ringTimeoutS, emptyRoomTimeoutS }) => {
    const service = createCallService({
      calls: fastify.calls,
      users: fastify.users,
      fanout: fastify.fanout,
      ringTimeoutMs: ringTimeoutS * 1000,
      emptyRoomTimeoutMs: emptyRoomTimeoutS * 1000,
      log: fastify.log,
      onEnded: (call) => fastify.closeRoom(call),
    })
    const interrupted = service.recover()
    if (interrupted > 0) fastify.log.warn({ interrupted }, 'ended calls left open by the last run')
    fastify.decorate('callService', service)
    fastify.addHook('onClose', async () => service.close())
  },
  { name: 'call-service', dependencies: ['db', 'realtime'] },
)
