import rateLimit from '@fastify/rate-limit'
import fp from 'fastify-plugin'
import { ApiError } from '../../api-error.js'

export interface RateLimits {
  /** Requests per minute per client IP on every route (F6). */
  global: number
  /** Tighter budgets per route, read by the routes through `fastify.rateLimits`. */
  auth: number
  callStart: number
}

declare module 'fastify' {
  interface FastifyInstance {
    rateLimits: RateLimits
  }
}

export default fp<RateLimits>(
  async (fastify, limits) => {
    fastify.decorate('rateLimits', limits)
    await fastify.register(rateLimit, {
      global: true,
      max: limits.global,
      timeWindow: '1 minute',
      // Thrown to the error handler, which answers in the protocol's envelope; the plugin sets Retry-After.
      errorResponseBuilder: (_request, context) =>
        new ApiError(
          429,
          'rate_limited',
          `Too many requests: try again in ${Math.ceil(context.ttl / 1000)} s`,
        ),
    })
  },
  { name: 'rate-limit' },
)
