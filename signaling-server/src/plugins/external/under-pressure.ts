import underPressure from '@fastify/under-pressure'
import fp from 'fastify-plugin'
import { errorBody } from '../../protocol/index.js'

/** Sheds load with 503 when the event loop or memory is saturated, and knows whether the DB answers (F9). */
export default fp<{ shedLoad: boolean }>(
  async (fastify, { shedLoad }) => {
    await fastify.register(underPressure, {
      // 0 turns a check off: tests that share the server's event loop with their own client do.
      maxEventLoopDelay: shedLoad ? 1000 : 0,
      maxEventLoopUtilization: shedLoad ? 0.98 : 0,
      retryAfter: 5,
      healthCheck: async () => fastify.db.open,
      healthCheckInterval: 5000,
      pressureHandler: (_request, reply, type, value) => {
        reply
          .code(503)
          .header('retry-after', '5')
          .send(
            errorBody(
              'service_unavailable',
              `Server under pressure (${type}${value === undefined ? '' : ` ${value}`}), try again shortly`,
            ),
          )
      },
    })
  },
  { name: 'under-pressure', dependencies: ['db'] },
)
