import cors from '@fastify/cors'
import fp from 'fastify-plugin'

/** CORS only for the origins in CORS_ORIGINS (F8): the plugin's default would be `*`. */
export default fp<{ origins: readonly string[] }>(
  async (fastify, { origins }) => {
    await fastify.register(cors, {
      origin: origins.length === 0 ? false : [...origins],
      methods: ['GET', 'POST'],
      allowedHeaders: ['Authorization', 'Content-Type'],
      maxAge: 600,
    })
  },
  { name: 'cors' },
)
