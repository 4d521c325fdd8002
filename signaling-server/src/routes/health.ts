import type { FastifyPluginAsync } from 'fastify'
import { errorBody, ErrorBody, HealthResponse, ROUTES } from '../protocol/index.js'
import { SERVER_VERSION } from '../version.js'

/**
 * `GET /health`: 200 when the database answers, and Redis too when this node fans out through it;
 * 503 otherwise (F9) and from the start of a shutdown, so a load balancer takes the node out. The
 * body names the backends in use.
 */
const health: FastifyPluginAsync<{ nodeId: string }> = async (fastify, { nodeId }) => {
  fastify.get(
    ROUTES.health,
    { schema: { response: { 200: HealthResponse, 503: ErrorBody } } },
    async (_request, reply) => {
      if (fastify.draining)
        return reply.code(503).send(errorBody('service_unavailable', 'Shutting down'))
      const redis = fastify.fanout.kind === 'redis'
      const [databaseUp, fanoutUp] = await Promise.all([
        fastify.storage.ping().catch(() => false),
        fastify.fanout.ping().catch(() => false),
      ])
      if (!databaseUp)
        return reply.code(503).send(errorBody('service_unavailable', 'Database unavailable'))
      if (!fanoutUp)
        return reply.code(503).send(errorBody('service_unavailable', 'Redis unavailable'))
      return {
        status: 'ok' as const,
        service: 'veracall-signaling' as const,
        version: SERVER_VERSION,
        database: 'ok' as const,
        uptime_s: Math.round(process.uptime()),
        backends: { database: fastify.storage.backend, fanout: fastify.fanout.kind },
        ...(redis && { redis: 'ok' as const }),
        node: nodeId,
      }
    },
  )
}
export default health
