import underPressure from '@fastify/under-pressure'
import type { FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { LoadMonitor, type LoadMonitorHooks } from '../../load-monitor.js'
import { errorBody } from '../../protocol/index.js'

const RETRY_AFTER_S = 5

const LIMITS = { sampleIntervalMs: 1000, maxUtilization: 0.98, maxDelayMs: 1000 }

function unavailable(reply: FastifyReply, why: string): void {
  reply
    .code(503)
    .header('retry-after', String(RETRY_AFTER_S))
    .send(errorBody('service_unavailable', `Server under pressure (${why}), try again shortly`))
}

export interface LoadSheddingOptions {
  shedLoad: boolean
  loadMonitor?: LoadMonitorHooks
}

/**
 * Sheds load with 503 when the event loop is saturated, and while the database doesn't answer
 * (F9). The event-loop check is our own LoadMonitor rather than under-pressure's: that one averages
 * since registration, so a busy start-up got every request (even /health) a 503 for about a second
 * and a past burst damped later ones. Ours measures each interval, from listening on.
 */
export default fp<LoadSheddingOptions>(
  async (fastify, { shedLoad, loadMonitor }) => {
    await fastify.register(underPressure, {
      retryAfter: RETRY_AFTER_S,
      healthCheck: async () => fastify.storage.ping(),
      healthCheckInterval: 5000,
      pressureHandler: (_request, reply, type) => unavailable(reply, type),
    })
    // Off in tests that share the server's event loop with their own client.
    if (!shedLoad) return
    const monitor = new LoadMonitor(LIMITS, loadMonitor)
    fastify.addHook('onListen', async () => monitor.start())
    fastify.addHook('onClose', async () => monitor.stop())
    fastify.addHook('onRequest', (_request, reply, done) => {
      const pressure = monitor.pressure()
      // The 503 is the answer: the request goes no further.
      if (pressure) unavailable(reply, `${pressure.type} ${pressure.value}`)
      else done()
    })
  },
  { name: 'under-pressure', dependencies: ['db'] },
)
