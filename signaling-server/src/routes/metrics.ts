import type { FastifyPluginAsync } from 'fastify'
import { ApiError } from '../api-error.js'
import { toBlockList } from '../config.js'

/** `GET /metrics` in Prometheus format, only to the addresses in METRICS_ALLOW (none = off). */
const metrics: FastifyPluginAsync<{ allow: readonly string[] }> = async (fastify, { allow }) => {
  if (allow.length === 0) return
  const allowed = toBlockList(allow)
  // Text, not JSON: the one route without a response schema (the F1 test lists it).
  fastify.get('/metrics', async (request, reply) => {
    const ip = request.ip.replace(/^::ffff:/, '')
    const family = ip.includes(':') ? 'ipv6' : 'ipv4'
    if (!allowed.check(ip, family)) throw new ApiError(404, 'not_found', 'Route not found')
    return reply
      .type(fastify.metrics.registry.contentType)
      .send(await fastify.metrics.registry.metrics())
  })
}
export default metrics
