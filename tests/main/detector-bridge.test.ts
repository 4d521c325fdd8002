import { describe, expect, it, vi } from 'vitest'
import {
  createDetectorBridge,
  mergeReports,
  type DetectorHost,
  type DetectorModule,
} from '../../src/main/detector-bridge.js'
import Value from 'typebox/value'
import type { RiskLevel } from '../../src/shared/risk.js'
import { SecurityReport, type FrameInput, type RiskUpdate } from '../../src/shared/ipc-contract.js'

/** A report as a host would give it for `callId` over [t0, t1], all at `level`. */
function reportOf(
  callId: number,
  t0: number,
  t1: number,
  level: RiskLevel,
  score: number,
): SecurityReport {
  return {
    callId,
    model: { name: 'fake', version: '1' },
    startedAt: t0,
    endedAt: t1,
    peakLevel: level,
    peakScore: score,
    shareByLevel: { [level]: 1 },
    timeline: [{ t: t0, level, score }],
  }
}

/** A host that records its risk listeners, sessions, frames, rate and whether it was stopped. */
function fakeHost(report: (callId: number) => SecurityReport | null = () => null): DetectorHost & {
  listeners: Set<(u: RiskUpdate) => void>
  sessions: Set<number>
  frames: number[]
  rates: number[]
  verified: number[]
  stopped: boolean
} {
  const listeners = new Set<(u: RiskUpdate) => void>()
  const sessions = new Set<number>()
  const host = {
    listeners,
    sessions,
    frames: [] as number[],
    rates: [] as number[],
    verified: [] as number[],
    stopped: false,
    status: async () => ({ available: true, model: null, fps: 2 }),
    startSession: async (callId: number) => {
      sessions.add(callId)
      for (const l of listeners)
        l({ callId, level: 'analysing', score: null, history: [], model: null })
    },
    submitFrame: async (frame: FrameInput) => {
      if (sessions.has(frame.callId)) host.frames.push(frame.timestampMs)
    },
    endSession: async (callId: number) => (sessions.delete(callId) ? report(callId) : null),
    verify: async (callId: number) => void host.verified.push(callId),
    setAnalysisRate: (fps: number) => void host.rates.push(fps),
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
    await (await bridge.get()).startSession(1)
    expect(host.sessions).toEqual(new Set([1]))
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
    await (await secondGet).startSession(3)
    expect(second.sessions).toEqual(new Set([3]))
    firstLoad.resolve(moduleOf(first))
    await Promise.all([firstGet, stopping])
    expect(first.stopped).toBe(true)
    expect(first.listeners.size).toBe(0)
    expect(second.listeners.size).toBe(1)

    await bridge.stop()
    expect(second.stopped).toBe(true)
    expect(second.listeners.size).toBe(0)
  })

  const frame = (callId: number, timestampMs: number): FrameInput => ({
    callId,
    width: 1,
    height: 1,
    timestampMs,
    data: new ArrayBuffer(4),
  })

  it('a new model mid-call re-opens the call on the new host and keeps the first part for its report', async () => {
    const first = fakeHost((id) => reportOf(id, 1000, 5000, 'elevated', 0.7))
    const second = fakeHost((id) => reportOf(id, 5000, 9000, 'low', 0.2))
    const hosts = [first, second]
    const updates: RiskUpdate[] = []
    const bridge = createDetectorBridge({
      load: async () => moduleOf(hosts.shift() ?? fakeHost()),
      options,
      enabled: () => true,
      onRisk: (u) => updates.push(u),
      log: () => undefined,
    })
    await (await bridge.get()).startSession(5)
    await (await bridge.get()).submitFrame(frame(5, 1200))
    await bridge.restart()
    expect(first.stopped).toBe(true)
    // Before: the call was gone from the new host, so its frames were dropped without a word.
    expect(second.sessions).toEqual(new Set([5]))
    expect(updates.at(-1)).toMatchObject({ callId: 5, level: 'analysing', score: null })
    await (await bridge.get()).submitFrame(frame(5, 5200))
    expect(second.frames).toEqual([5200])
    const report = await (await bridge.get()).endSession(5)
    expect(Value.Check(SecurityReport, report)).toBe(true)
    expect(report).toMatchObject({
      callId: 5,
      startedAt: 1000,
      endedAt: 9000,
      peakLevel: 'elevated',
      peakScore: 0.7,
      shareByLevel: { elevated: 0.5, low: 0.5 },
    })
    expect(report?.timeline.map((e) => e.t)).toEqual([1000, 5000])
  })

  it('turning detection off mid-call says "off" for the call and still gives the part before', async () => {
    let enabled = true
    const host = fakeHost((id) => reportOf(id, 0, 3000, 'low', 0.1))
    const updates: RiskUpdate[] = []
    const bridge = createDetectorBridge({
      load: async () => moduleOf(host),
      options,
      enabled: () => enabled,
      onRisk: (u) => updates.push(u),
      log: () => undefined,
    })
    await (await bridge.get()).startSession(8)
    enabled = false
    await bridge.restart()
    expect(updates.at(-1)).toEqual({
      callId: 8,
      level: 'off',
      score: null,
      history: [],
      model: null,
    })
    expect(await (await bridge.get()).endSession(8)).toMatchObject({ callId: 8, endedAt: 3000 })
    // Nothing is left over for the next call with that id.
    await (await bridge.get()).startSession(8)
    expect(await (await bridge.get()).endSession(8)).toBeNull()
  })

  it('a new rate applies to the running host, which keeps its sessions', async () => {
    const host = fakeHost()
    const bridge = createDetectorBridge({
      load: async () => moduleOf(host),
      options,
      enabled: () => true,
      onRisk: () => undefined,
      log: () => undefined,
    })
    await bridge.setAnalysisRate(8) // nothing running yet: the next start reads the settings
    await (await bridge.get()).startSession(2)
    await bridge.setAnalysisRate(8)
    expect(host.rates).toEqual([8])
    await (await bridge.get()).verify(2)
    expect(host.verified).toEqual([2])
    expect(host.stopped).toBe(false)
    expect(host.sessions).toEqual(new Set([2]))
  })

  it('merges report parts: shares weighted by length, highest peak, timelines in order', () => {
    const merged = mergeReports(
      reportOf(1, 0, 1000, 'high', 0.9),
      reportOf(1, 1000, 4000, 'low', 0.1),
    )
    expect(merged.shareByLevel).toEqual({ high: 0.25, low: 0.75 })
    expect(merged.peakLevel).toBe('high')
    expect(Value.Check(SecurityReport, merged)).toBe(true)
  })
})
