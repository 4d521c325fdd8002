import fp from 'fastify-plugin'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'

export interface Metrics {
  registry: Registry
  relayed: Counter
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
export default fp(
  async (fastify) => {
    const registry = new Registry()
    const relayed = new Counter({
      name: 'veracall_ws_messages_relayed_total',
      help: 'Signaling messages relayed to a peer',
      registers: [registry],
    })
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
      collect() {
        const rows = fastify.db.all<{ status: string; n: number }>({
          text: 'SELECT status, count(*) AS n FROM calls GROUP BY status',
          params: [],
        })
        for (const status of ['waiting', 'in_progress', 'ended']) {
          this.set({ status }, rows.find((r) => r.status === status)?.n ?? 0)
        }
      },
    })
    const latency = new Histogram({
      name: 'veracall_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    })
    fastify.addHook('onResponse', async (request, reply) => {
      latency.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      )
    })
    fastify.decorate('metrics', { registry, relayed, rejected })
  },
  { name: 'metrics' },
)
