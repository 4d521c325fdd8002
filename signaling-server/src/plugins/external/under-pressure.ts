import underPressure from '@fastify/under-pressure'
import type { FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { LoadMonitor, type LoadMonitorHooks } from '../../load-monitor.js'
import { errorBody } from '../../protocol/index.js'

const RETRY_AFTER_S = 5

/**
 * Overload is requests waiting, not a busy loop: a server at full use that still turns its loop
 * every few ms answers in time, and shedding there only swaps answers for 503s that cost nearly as
 * much (at the default settings a saturating `GET /users/me` load got 47,000 503s in 6 s). So a
 * saturated interval sheds only once the loop is also late by `saturatedDelayMs` on average; a
 * loop late by `maxDelayMs` sheds whatever its use.
 */
const LIMITS = {
  sampleIntervalMs: 1000,
  maxUtilization: 0.98,
  saturatedDelayMs: 100,
  maxDelayMs: 1000,
}

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
