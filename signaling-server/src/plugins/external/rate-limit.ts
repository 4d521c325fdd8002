import rateLimit from '@fastify/rate-limit'
import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
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

export interface RateLimitOptions extends RateLimits {
  /** With several nodes, the counters live in Redis so that each budget holds cluster-wide. */
  redisUrl?: string | undefined
}

export default fp<RateLimitOptions>(
  async (fastify, { redisUrl, ...limits }) => {
    fastify.decorate('rateLimits', limits)
    const redis = redisUrl
      ? new Redis(redisUrl, { connectTimeout: 2000, maxRetriesPerRequest: 1 })
      : undefined
    if (redis) {
      redis.on('error', (error) => fastify.log.debug({ err: error }, 'rate-limit redis'))
      fastify.addHook('onClose', async () => {
        await redis.quit().catch(() => redis.disconnect())
      })
    }
    await fastify.register(rateLimit, {
      ...(redis && {
        redis,
        nameSpace: 'veracall:rl:',
        // Redis down: requests pass (the node's /health already says 503) rather than all failing.
        skipOnError: true,
      }),
      global: true,
      max: limits.global,
      // The budget's headers go on the 429 only (with Retry-After, the contract's): on every
      // other answer they were three more headers per request for a figure no client reads.
      addHeadersOnExceeding: {
        'x-ratelimit-limit': false,
        'x-ratelimit-remaining': false,
        'x-ratelimit-reset': false,
      },
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
