import fp from 'fastify-plugin'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'

/** A counter bumped on every relayed message: a plain number, read into Prometheus when scraped. */
export interface HotCounter {
  inc(n?: number): void
}

export interface Metrics {
  registry: Registry
  relayed: HotCounter
  rejected: Counter<'reason'>
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics
  }
}

/**
 * Prometheus metrics in a registry of this app's own (tests build many apps in one process).
 * Socket, room and call counts are read when scraped rather than tracked on every change.
 */
export default fp<{ nodeId: string; cluster: boolean }>(
  async (fastify, { nodeId, cluster }) => {
    const registry = new Registry()
    // Several nodes feed one dashboard: each series says which node it came from.
    if (cluster) registry.setDefaultLabels({ node: nodeId })
    // prom-client's inc() allocates (a labels object) per call; the relay counts per message, so
    // it adds to a number and the counter catches up when scraped.
    let relayedTotal = 0
    let relayedReported = 0
    new Counter({
      name: 'veracall_ws_messages_relayed_total',
      help: 'Signaling messages relayed to a peer',
      registers: [registry],
      collect() {
        this.inc(relayedTotal - relayedReported)
        relayedReported = relayedTotal
      },
    })
    const relayed: HotCounter = {
      inc(n = 1) {
        relayedTotal += n
      },
    }
    const rejected = new Counter({
      name: 'veracall_ws_messages_rejected_total',
      help: 'WebSocket messages rejected, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    })
    new Gauge({
      name: 'veracall_ws_open_sockets',
      help: 'Open WebSocket connections',
      registers: [registry],
      collect() {
        this.set(fastify.websocketServer?.clients.size ?? 0)
      },
    })
    new Gauge({
      name: 'veracall_rooms',
      help: 'Call rooms with at least one socket',
      registers: [registry],
      collect() {
        this.set(fastify.fanout.stats('room:').topics)
      },
    })
    new Gauge({
      name: 'veracall_calls',
      help: 'Calls by status',
      labelNames: ['status'] as const,
      registers: [registry],
      async collect() {
        const counts = await fastify.calls.countByStatus()
        for (const [status, n] of Object.entries(counts)) this.set({ status }, n)
      },
    })
    new Gauge({
      name: 'veracall_backend_up',
      help: '1 when the backend answers: the database (sqlite|postgres) and the fan-out (memory|redis)',
      labelNames: ['role', 'backend'] as const,
      registers: [registry],
      async collect() {
        const [database, fanout] = await Promise.all([
          fastify.storage.ping().catch(() => false),
          fastify.fanout.ping().catch(() => false),
        ])
        this.set({ role: 'database', backend: fastify.storage.backend }, database ? 1 : 0)
        this.set({ role: 'fanout', backend: fastify.fanout.kind }, fanout ? 1 : 0)
      },
    })
    const latency = new Histogram({
      name: 'veracall_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    })
    fastify.addHook('onResponse', (request, reply, done) => {
      latency.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      )
      done()
    })
    fastify.decorate('metrics', { registry, relayed, rejected })
  },
  { name: 'metrics', dependencies: ['db'] },
)
