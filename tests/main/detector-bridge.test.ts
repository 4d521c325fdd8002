import { describe, expect, it, vi } from 'vitest'
import {
  createDetectorBridge,
  type DetectorHost,
  type DetectorModule,
} from '../../src/main/detector-bridge.js'
import type { RiskUpdate } from '../../src/shared/ipc-contract.js'

/** A host that records its risk listeners and whether it was stopped. */
function fakeHost(): DetectorHost & {
  listeners: Set<(u: RiskUpdate) => void>
  stopped: boolean
} {
  const listeners = new Set<(u: RiskUpdate) => void>()
  const host = {
    listeners,
    stopped: false,
    status: async () => ({ available: true, model: null, fps: 2 }),
    startSession: async () => undefined,
    submitFrame: async () => undefined,
    endSession: async () => null,
    onRisk(listener: (u: RiskUpdate) => void) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    async stop() {
      host.stopped = true
    },
  }
  return host
}

const update: RiskUpdate = { callId: 1, level: 'low', score: 0.1, history: [0.1], model: null }

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

const moduleOf = (host: DetectorHost): DetectorModule => ({ createDetectorHost: () => host })

const options = () => ({ modelDir: '/models', analysisRate: 2, log: () => undefined })

describe('detector bridge', () => {
  it('says detection is off without loading the detector', async () => {
    const load = vi.fn(async () => null)
    const bridge = createDetectorBridge({
      load,
      options,
      enabled: () => false,
      onRisk: () => undefined,
      log: () => undefined,
    })
    expect(await (await bridge.get()).status()).toMatchObject({ available: false, fps: 0 })
    expect(load).not.toHaveBeenCalled()
  })

  it('forwards risk updates until stopped, then unsubscribes and stops the host', async () => {
    const host = fakeHost()
    const onRisk = vi.fn()
    const bridge = createDetectorBridge({
      load: async () => moduleOf(host),
      options,
      enabled: () => true,
      onRisk,
      log: () => undefined,
    })
    expect(await bridge.get()).toBe(host)
    for (const listener of host.listeners) listener(update)
    expect(onRisk).toHaveBeenCalledWith(update)
    await bridge.stop()
    expect(host.stopped).toBe(true)
    expect(host.listeners.size).toBe(0)
  })

  it('a stop during a pending start unsubscribes that host, not the one started after it', async () => {
    const first = fakeHost()
    const second = fakeHost()
    const firstLoad = deferred<DetectorModule>()
    const secondLoad = deferred<DetectorModule>()
    const loads = [firstLoad.promise, secondLoad.promise]
    const bridge = createDetectorBridge({
      load: async () => loads.shift() ?? Promise.reject(new Error('loaded too often')),
      options,
      enabled: () => true,
      onRisk: () => undefined,
      log: () => undefined,
    })
    const firstGet = bridge.get()
    const stopping = bridge.stop()
    const secondGet = bridge.get()
    // The newer start finishes first, then the older one.
    secondLoad.resolve(moduleOf(second))
    expect(await secondGet).toBe(second)
    firstLoad.resolve(moduleOf(first))
    await Promise.all([firstGet, stopping])
    expect(first.stopped).toBe(true)
    expect(first.listeners.size).toBe(0)
    expect(second.listeners.size).toBe(1)

    await bridge.stop()
    expect(second.stopped).toBe(true)
    expect(second.listeners.size).toBe(0)
  })
})
