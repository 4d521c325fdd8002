import type { FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp, type LoadMonitorHooks, type LoadSample } from 'veracall-signaling'
import { testConfig } from './helper.js'

/** Samples taken only when the test says so, from the probe's real or scripted readings. */
function manualSampling(readings?: LoadSample[]): LoadMonitorHooks & { tick(): void } {
  let tick = (): void => {
    throw new Error('sampling has not started')
  }
  return {
    every: (_ms, sample) => {
      tick = sample
      return () => {}
    },
    ...(readings && {
      probe: () => ({
        sample: () => readings.shift() ?? { utilization: 0, delayMs: 0 },
        stop() {},
      }),
    }),
    tick: () => tick(),
  }
}

const apps: FastifyInstance[] = []
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close()
})

async function listening(app: FastifyInstance): Promise<string> {
  apps.push(app)
  await app.listen({ host: '127.0.0.1', port: 0 })
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}

const status = async (url: string): Promise<number> => (await fetch(url)).status

// Issue 14 item 7: load shedding judges the event loop per interval, from listening on.
describe('load shedding', () => {
  it('answers the first requests after listening, /health included, after a saturated start-up', async () => {
    const sampling = manualSampling()
    const app = await buildApp({ config: testConfig({ shedLoad: true }), loadMonitor: sampling })
    // A slow start on a busy machine: the event loop is saturated for longer than a sample.
    app.addHook('onReady', async () => {
      const until = performance.now() + 1200
      while (performance.now() < until);
    })
    const url = await listening(app)
    expect(await status(`${url}/health`)).toBe(200)
    expect(await status(`${url}/api/v1/users/me`)).toBe(401)
    expect(await status(`${url}/health`)).toBe(200)
  })

  it('sheds while the last interval was saturated, and stops as soon as one is not', async () => {
    const sampling = manualSampling([
      { utilization: 0.999, delayMs: 150 },
      { utilization: 0.2, delayMs: 2 },
      { utilization: 0.3, delayMs: 1500 },
    ])
    const url = await listening(
      await buildApp({ config: testConfig({ shedLoad: true }), loadMonitor: sampling }),
    )
    expect(await status(`${url}/health`)).toBe(200)
    sampling.tick()
    const shed = await fetch(`${url}/health`)
    expect(shed.status).toBe(503)
    expect(shed.headers.get('retry-after')).toBe('5')
    expect(await shed.json()).toMatchObject({ error: { code: 'service_unavailable' } })
    sampling.tick()
    expect(await status(`${url}/health`)).toBe(200)
    sampling.tick()
    expect(await status(`${url}/health`)).toBe(503)
  })

  it('keeps answering a loop that is fully busy but still turns in time', async () => {
    // A saturating load the server keeps up with: shedding it would swap answers for 503s.
    const sampling = manualSampling([
      { utilization: 1, delayMs: 3 },
      { utilization: 0.999, delayMs: 60 },
      { utilization: 0.999, delayMs: 150 },
    ])
    const url = await listening(
      await buildApp({ config: testConfig({ shedLoad: true }), loadMonitor: sampling }),
    )
    sampling.tick()
    expect(await status(`${url}/health`)).toBe(200)
    sampling.tick()
    expect(await status(`${url}/health`)).toBe(200)
    // Requests now wait on a saturated loop: shed.
    sampling.tick()
    expect(await status(`${url}/health`)).toBe(503)
  })

  it('never sheds with SHED_LOAD=off', async () => {
    const sampling = manualSampling([{ utilization: 1, delayMs: 5000 }])
    const url = await listening(
      await buildApp({ config: testConfig({ shedLoad: false }), loadMonitor: sampling }),
    )
    expect(() => sampling.tick()).toThrow('sampling has not started')
    expect(await status(`${url}/health`)).toBe(200)
  })
})
