import type { FastifyPluginAsync } from 'fastify'
import { toBlockList } from '../config.js'

/** `GET /metrics` in Prometheus format, only to the addresses in METRICS_ALLOW (none = off). */
const metrics: FastifyPluginAsync<{ allow: readonly string[] }> = async (fastify, { allow }) => {
  if (allow.length === 0) return
  const allowed = toBlockList(allow)
  // Text, not JSON: the one route without a response schema (the F1 test lists it).
  fastify.get('/metrics', async (request, reply) => {
    const ip = request.ip.replace(/^::ffff:/, '')
    const family = ip.includes(':') ? 'ipv6' : 'ipv4'
    // Refused exactly as an unknown URL is (same handler, body and limits): nothing says it exists.
    if (!allowed.check(ip, family)) return reply.callNotFound()
    return reply
      .type(fastify.metrics.registry.contentType)
      .send(await fastify.metrics.registry.metrics())
  })
}
export default metrics
