import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** True from the start of a shutdown: /health answers 503 and no connection is kept alive. */
    readonly draining: boolean
    startDraining(): void
  }
}

/**
 * Shutdown state. While draining, every answer carries `Connection: close`, so a keep-alive client
 * cannot hold the server's close open for its idle timeout (72 s), and load balancers that poll
 * /health take the server out before it stops accepting.
 */
export default fp(
  async (fastify) => {
    let draining = false
    fastify.decorate('draining', {
      getter: () => draining,
    })
    fastify.decorate('startDraining', () => {
      draining = true
    })
    // A close without a drain first (the embedded server's stop()) drains from then on.
    fastify.addHook('preClose', async () => {
      draining = true
    })
    // Callback hooks, here and in the other per-request hooks: an async one costs a promise and a
    // microtask turn on every request (issue 14, item 14).
    fastify.addHook('onSend', (_request, reply, payload, done) => {
      if (draining) reply.header('connection', 'close')
      done(null, payload)
    })
  },
  { name: 'drain' },
)
