import underPressure from '@fastify/under-pressure'
import fp from 'fastify-plugin'
import { errorBody } from '../../protocol/index.js'

/** Sheds load with 503 when the event loop or memory is saturated, and knows whether the DB answers (F9). */
export default fp(
  async (fastify) => {
    await fastify.register(underPressure, {
      maxEventLoopDelay: 1000,
      maxEventLoopUtilization: 0.98,
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
