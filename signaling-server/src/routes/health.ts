import type { FastifyPluginAsync } from 'fastify'
import { errorBody, ErrorBody, HealthResponse } from '../protocol/index.js'
import { SERVER_VERSION } from '../version.js'

/** `GET /health`: 200 when the database answers, 503 otherwise (F9) and from the start of a shutdown. */
const health: FastifyPluginAsync = async (fastify) => {
  fastify.get(
    '/health',
    { schema: { response: { 200: HealthResponse, 503: ErrorBody } } },
    async (_request, reply) => {
      if (fastify.draining)
        return reply.code(503).send(errorBody('service_unavailable', 'Shutting down'))
      let database: 'ok' | 'unavailable' = 'unavailable'
      try {
        if (fastify.db.get({ text: 'SELECT 1 AS ok', params: [] })?.ok === 1) database = 'ok'
      } catch {
        database = 'unavailable'
      }
      if (database !== 'ok')
        return reply.code(503).send(errorBody('service_unavailable', 'Database unavailable'))
      return {
        status: 'ok' as const,
        service: 'veracall-signaling' as const,
        version: SERVER_VERSION,
        database,
        uptime_s: Math.round(process.uptime()),
      }
    },
  )
}
export default health
