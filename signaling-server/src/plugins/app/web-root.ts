import fastifyStatic from '@fastify/static'
import fp from 'fastify-plugin'

/**
 * Optionally serves a built web client from the same origin, so a self-hoster can hand out one URL
 * and the client needs no CORS.
 */
export default fp<{ root: string }>(
  async (fastify, { root }) => {
    await fastify.register(fastifyStatic, { root, index: 'index.html', wildcard: false })
  },
  { name: 'web-root', dependencies: ['helmet'] },
)
