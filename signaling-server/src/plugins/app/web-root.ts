import fastifyStatic from '@fastify/static'
import fp from 'fastify-plugin'
import { pageHeadersHook } from '../external/helmet.js'

/**
 * Optionally serves a built web client from the same origin, so a self-hoster can hand out one URL
 * and the client needs no CORS.
 */
export default fp<{ root: string }>(
  async (fastify, { root }) => {
    // Its own scope: the page policy goes on these files only (helmet.ts).
    await fastify.register(async (files) => {
      files.addHook('onRequest', pageHeadersHook())
      await files.register(fastifyStatic, { root, index: 'index.html', wildcard: false })
    })
  },
  { name: 'web-root', dependencies: ['helmet'] },
)
