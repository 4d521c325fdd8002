import { afterEach, describe, expect, it, vi } from 'vitest'
import { ROUTES } from 'veracall-signaling/protocol'
import { CallDetection } from '../../../src/renderer/src/call/call-detection.js'
import { createAppStore } from '../../../src/renderer/src/store/index.js'
import { IDLE_RISK, riskLevel } from '../../../src/renderer/src/store/slices/risk.js'
import type {
  DetectionPort,
  DetectorStatus,
  RiskUpdate,
  SecurityReport,
} from '../../../src/shared/detection.js'
import { settle } from '../fakes/fake-peer.js'
import { harness, incomingCall, routes } from '../fakes/controller-harness.js'

afterEach(() => {
  vi.unstubAllGlobals()
})

const MODEL = { name: 'veracall-mnv2-sbi', version: '1.1.0' }

const reportFor = (callId: number): SecurityReport => ({
  callId,
  model: MODEL,
  startedAt: 0,
  endedAt: 1000,
  peakLevel: 'low',
  peakScore: 0.2,
  shareByLevel: { low: 1 },
  timeline: [{ t: 0, level: 'low', score: 0.2 }],
})

/** A detector port that records what it is asked and lets the test send risk updates. */
function fakePort(status: DetectorStatus = { available: true, model: MODEL, fps: 5 }) {
  const calls: string[] = []
  const listeners = new Set<(u: RiskUpdate) => void>()
  const port: DetectionPort = {
    status: async () => status,
    startSession: async (callId) => void calls.push(`start ${callId}`),
    submitFrame: async () => undefined,
    endSession: async (callId) => {
      calls.push(`end ${callId}`)
      return reportFor(callId)
    },
    verify: async (callId, kind) => void calls.push(`verify ${callId} ${kind}`),
    onRisk: (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
  }
  const emit = (u: Partial<RiskUpdate> & { callId: number }): void => {
    for (const l of listeners) l({ level: 'low', score: 0.2, history: [0.2], model: MODEL, ...u })
  }
  return { port, calls, emit, listeners }
}

function detection(port: DetectionPort | null) {
  const store = createAppStore()
  const samplers: { callId: number; stopped: boolean; rate: () => number }[] = []
  const challenges: string[] = []
  const d = new CallDetection({
    store,
    port,
    sendChallenge: (kind) => {
      challenges.push(kind)
      return true
    },
    startSampler: ({ callId, rate }) => {
      const s = { callId, stopped: false, rate }
      samplers.push(s)
      return { stop: () => void (s.stopped = true) }
    },
  })
  return { d, store, samplers, challenges }
}

const video = {} as HTMLVideoElement

describe('the call owns its face check (CallDetection)', () => {
  it('starts the detector session on connect, samples the remote video, and writes the risk slice', async () => {
    const fake = fakePort()
    const { d, store, samplers } = detection(fake.port)
    d.begin(7)
    d.setVideo(video)
    await settle()
    expect(store.getState().risk).toMatchObject({ detector: true, status: { available: true } })
    // Ringing or negotiating: no session, no sampling yet.
    expect(fake.calls).toEqual([])
    expect(riskLevel(store.getState().risk)).toBe('analysing')

    d.connect()
    await settle()
    expect(fake.calls).toEqual(['start 7'])
    expect(samplers).toMatchObject([{ callId: 7, stopped: false }])

    fake.emit({ callId: 8, level: 'high' })
    expect(store.getState().risk.update).toBeNull()
    fake.emit({ callId: 7, level: 'elevated' })
    expect(riskLevel(store.getState().risk)).toBe('elevated')

    d.finish()
    await settle()
    expect(fake.calls).toEqual(['start 7', 'end 7'])
    expect(samplers[0]?.stopped).toBe(true)
    expect(fake.listeners.size).toBe(0)
    // The report lands in the persisted slice; the badge's slice is idle again.
    expect(store.getState().reports['7']).toEqual(reportFor(7))
    expect(store.getState().risk).toEqual(IDLE_RISK)
  })

  it('the switch ends the session (keeping its report) and starts a new one', async () => {
    const fake = fakePort()
    const { d, store, samplers } = detection(fake.port)
    d.begin(7)
    d.connect()
    d.setVideo(video)
    await settle()
    fake.emit({ callId: 7 })
    d.setEnabled(false)
    await settle()
    expect(riskLevel(store.getState().risk)).toBe('off')
    expect(store.getState().risk.update).toBeNull()
    expect(store.getState().reports['7']?.callId).toBe(7)
    expect(samplers.map((s) => s.stopped)).toEqual([true])
    d.setEnabled(true)
    await settle()
    expect(fake.calls).toEqual(['start 7', 'end 7', 'start 7'])
    expect(samplers.map((s) => s.stopped)).toEqual([true, false])
    expect(riskLevel(store.getState().risk)).toBe('analysing')
  })

  it('Verify alternates the moves, asks the other app first, and then the detector', async () => {
    const fake = fakePort()
    const { d, store, challenges } = detection(fake.port)
    d.begin(7)
    d.verify() // no session yet: nothing happens
    expect(challenges).toEqual([])
    d.connect()
    await settle()
    d.verify()
    expect(store.getState().risk.verifying).toBe(true)
    d.verify()
    await settle()
    expect(challenges).toEqual(['turn_head', 'pass_hand'])
    expect(fake.calls.filter((c) => c.startsWith('verify'))).toEqual([
      'verify 7 turn_head',
      'verify 7 pass_hand',
    ])
    d.finish()
    expect(store.getState().risk.verifying).toBe(false)
  })

  it('an unavailable detector, or none, starts nothing and says "unavailable"', async () => {
    const fake = fakePort({ available: false, reason: 'web_remote_page', model: null, fps: 0 })
    const a = detection(fake.port)
    a.d.begin(7)
    a.d.connect()
    a.d.setVideo(video)
    await settle()
    expect(fake.calls).toEqual([])
    expect(a.samplers).toEqual([])
    expect(riskLevel(a.store.getState().risk)).toBe('unavailable')

    const b = detection(null)
    b.d.begin(7)
    b.d.connect()
    expect(riskLevel(b.store.getState().risk)).toBe('unavailable')
  })

  it('samples at the rate main says: its analysis rate, the top rate while it judges a Verify', async () => {
    const fake = fakePort({ available: true, model: MODEL, fps: 3 })
    const { d, samplers } = detection(fake.port)
    d.begin(7)
    d.connect()
    d.setVideo(video)
    await settle()
    const rate = samplers[0]?.rate
    expect(rate?.()).toBe(3)
    const challenge = { kind: 'turn_head', turned: false, occluded: false } as const
    fake.emit({ callId: 7, challenge: { ...challenge, state: 'running' } })
    expect(rate?.()).toBe(10)
    fake.emit({ callId: 7, challenge: { ...challenge, state: 'passed' } })
    expect(rate?.()).toBe(3)
  })
})

describe('the call controller runs the face check with the call', () => {
  it('begins with a video call, starts on connect and ends (with its report) on hang-up', async () => {
    const fake = fakePort()
    const ctx = harness(
      null,
      routes({
        [`POST ${ROUTES.endCall}`]: () => ({
          status: 200,
          body: { call: incomingCall({ status: 'ended', end_reason: 'completed', duration_s: 3 }) },
        }),
      }),
      { detection: fake.port },
    )
    await ctx.signIn()
    await ctx.ringIn()
    await ctx.controller.call.accept()
    await settle()
    expect(ctx.store.getState().risk.detector).toBe(true)
    expect(fake.calls).toEqual([])
    ctx.peers.at(-1)?.setConnectionState('connected')
    await settle()
    expect(ctx.store.getState().phase).toBe('active')
    expect(fake.calls).toEqual(['start 7'])
    fake.emit({ callId: 7, level: 'low' })
    expect(riskLevel(ctx.store.getState().risk)).toBe('low')

    await ctx.controller.call.hangUp()
    await settle()
    expect(fake.calls).toEqual(['start 7', 'end 7'])
    expect(ctx.store.getState().phase).toBe('ended')
    expect(ctx.store.getState().reports['7']?.peakLevel).toBe('low')
    expect(ctx.store.getState().risk).toEqual(IDLE_RISK)
  })

  it('leaves an audio call alone (no face to read)', async () => {
    const fake = fakePort()
    const ctx = harness(null, routes(), { detection: fake.port })
    await ctx.signIn()
    await ctx.ringIn(incomingCall({ call_type: 'audio' }))
    await ctx.controller.call.accept()
    ctx.peers.at(-1)?.setConnectionState('connected')
    await settle()
    expect(fake.calls).toEqual([])
    expect(fake.listeners.size).toBe(0)
    expect(ctx.store.getState().risk).toEqual(IDLE_RISK)
  })
})

describe('ringing is the platform’s decision (platform.ring)', () => {
  it('rings only when the platform says so, and hands it the call and the wording', async () => {
    const asked: unknown[] = []
    for (const answer of [false, true]) {
      const ctx = harness(null, routes(), {
        ring: async (call, notification) => {
          asked.push({ call, notification })
          return answer
        },
      })
      await ctx.signIn()
      await ctx.ringIn()
      expect(ctx.store.getState().phase).toBe('incoming')
      expect(ctx.rings.started).toBe(answer ? 1 : 0)
      // The platform notifies (or main does): the controller itself shows nothing.
      expect(ctx.notifications).toEqual([])
    }
    expect(asked[0]).toEqual({
      call: { callId: 7, callerName: 'Bob', callType: 'video' },
      notification: {
        title: 'notify.incomingTitle:',
        body: 'notify.incomingVideo:Bob',
        tag: 'call-7',
      },
    })
  })

  it('is not asked when a second call comes in during a call: that one is declined', async () => {
    let asked = 0
    const ctx = harness(null, routes(), {
      ring: async () => {
        asked++
        return true
      },
    })
    await ctx.signIn()
    await ctx.ringIn()
    await ctx.controller.call.accept()
    await settle()
    await ctx.ringIn(incomingCall({ id: 8, room_id: 'room_0000008x' }))
    expect(asked).toBe(1)
    expect(ctx.requests).toContain(`POST ${ROUTES.declineCall}`)
    expect(ctx.store.getState().call?.id).toBe(7)
  })
})
