import cors from '@fastify/cors'
import fp from 'fastify-plugin'

/** CORS only for the origins in CORS_ORIGINS (F8): the plugin's default would be `*`. */
export default fp<{ origins: readonly string[] }>(
  async (fastify, { origins }) => {
    // No origin allowed: the plugin would add nothing to any answer (a preflight is a 404 either
    // way), yet it ran a hook on every request.
    if (origins.length === 0) return
    await fastify.register(cors, {
      origin: [...origins],
      methods: ['GET', 'POST'],
      allowedHeaders: ['Authorization', 'Content-Type'],
      maxAge: 600,
    })
  },
  { name: 'cors' },
)
