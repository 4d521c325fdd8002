import { afterEach, describe, expect, it, vi } from 'vitest'
import { ROUTES } from 'veracall-signaling/protocol'
import { CallDetection } from '../../../src/renderer/src/call/call-detection.js'
import { createAppStore } from '../../../src/renderer/src/store/index.js'
import { IDLE_RISK, riskLevel } from '../../../src/renderer/src/store/slices/risk.js'
import { reportKey } from '../../../src/renderer/src/store/slices/reports.js'
import type { DetectionPort, DetectorStatus, RiskUpdate } from '../../../src/shared/detection.js'
import { settle } from '../fakes/fake-peer.js'
import { faceReport, MODEL } from '../fakes/reports.js'
import { bob, harness, incomingCall, routes } from '../fakes/controller-harness.js'

afterEach(() => {
  vi.unstubAllGlobals()
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
      return faceReport(callId)
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
  const samplers: {
    callId: number
    video: HTMLVideoElement
    stopped: boolean
    rate: () => number
  }[] = []
  const challenges: string[] = []
  // Session numbers as the renderer allocates them, pinned: 7, 8, 9… (the call is 7 in these tests).
  let next = 7
  const d = new CallDetection({
    store,
    port,
    sendChallenge: (kind, peerId) => {
      challenges.push(`${kind} ${peerId}`)
      return true
    },
    sessionNumber: () => next++,
    startSampler: ({ callId, rate, video }) => {
      const s = { callId, video, stopped: false, rate }
      samplers.push(s)
      return { stop: () => void (s.stopped = true) }
    },
  })
  return { d, store, samplers, challenges }
}

const video = {} as HTMLVideoElement
const risk = (store: ReturnType<typeof createAppStore>, peerId: string) => {
  const r = store.getState().risk
  return riskLevel(r, r.peers[peerId])
}

describe('the call owns its face check (CallDetection)', () => {
  it('starts the detector session on connect, samples the remote video, and writes the risk slice', async () => {
    const fake = fakePort()
    const { d, store, samplers } = detection(fake.port)
    d.begin(7)
    d.setVideo('bob', video)
    await settle()
    expect(store.getState().risk).toMatchObject({ detector: true, status: { available: true } })
    // Ringing or negotiating: no session, no sampling, no person listed yet.
    expect(fake.calls).toEqual([])
    expect(store.getState().risk.peers).toEqual({})
    expect(riskLevel(store.getState().risk)).toBe('analysing')

    d.connect('bob', 'Bob')
    await settle()
    expect(fake.calls).toEqual(['start 7'])
    expect(samplers).toMatchObject([{ callId: 7, stopped: false }])
    expect(store.getState().risk.peers.bob).toMatchObject({ name: 'Bob', update: null })

    fake.emit({ callId: 8, level: 'high' })
    expect(store.getState().risk.peers.bob?.update).toBeNull()
    fake.emit({ callId: 7, level: 'elevated' })
    expect(risk(store, 'bob')).toBe('elevated')

    d.finish()
    await settle()
    expect(fake.calls).toEqual(['start 7', 'end 7'])
    expect(samplers[0]?.stopped).toBe(true)
    expect(fake.listeners.size).toBe(0)
    // The report lands in the persisted slice, filed under the call and the person; the badge's
    // slice is idle again.
    expect(store.getState().reports[reportKey(7, 'bob')]).toEqual({
      ...faceReport(7),
      peer: { id: 'bob', name: 'Bob' },
    })
    expect(store.getState().risk).toEqual(IDLE_RISK)
  })

  it('the switch ends the session (keeping its report) and starts a new one', async () => {
    const fake = fakePort()
    const { d, store, samplers } = detection(fake.port)
    d.begin(7)
    d.connect('bob', 'Bob')
    d.setVideo('bob', video)
    await settle()
    fake.emit({ callId: 7 })
    d.setEnabled(false)
    await settle()
    expect(risk(store, 'bob')).toBe('off')
    expect(store.getState().risk.peers.bob?.update).toBeNull()
    expect(store.getState().reports[reportKey(7, 'bob')]?.callId).toBe(7)
    expect(samplers.map((s) => s.stopped)).toEqual([true])
    d.setEnabled(true)
    await settle()
    expect(fake.calls).toEqual(['start 7', 'end 7', 'start 8'])
    expect(samplers.map((s) => s.stopped)).toEqual([true, false])
    expect(risk(store, 'bob')).toBe('analysing')
  })

  it('Verify alternates the moves, asks that person’s app first, and then the detector', async () => {
    const fake = fakePort()
    const { d, store, challenges } = detection(fake.port)
    d.begin(7)
    d.verify('bob') // no session yet: nothing happens
    expect(challenges).toEqual([])
    d.connect('bob', 'Bob')
    await settle()
    d.verify('bob')
    expect(store.getState().risk.peers.bob?.verifying).toBe(true)
    d.verify('bob')
    await settle()
    expect(challenges).toEqual(['turn_head bob', 'pass_hand bob'])
    expect(fake.calls.filter((c) => c.startsWith('verify'))).toEqual([
      'verify 7 turn_head',
      'verify 7 pass_hand',
    ])
    d.finish()
    expect(store.getState().risk.peers).toEqual({})
  })

  it('an unavailable detector, or none, starts nothing and says "unavailable"', async () => {
    const fake = fakePort({ available: false, reason: 'web_remote_page', model: null, fps: 0 })
    const a = detection(fake.port)
    a.d.begin(7)
    a.d.connect('bob', 'Bob')
    a.d.setVideo('bob', video)
    await settle()
    expect(fake.calls).toEqual([])
    expect(a.samplers).toEqual([])
    expect(risk(a.store, 'bob')).toBe('unavailable')

    const b = detection(null)
    b.d.begin(7)
    b.d.connect('bob', 'Bob')
    expect(risk(b.store, 'bob')).toBe('unavailable')
  })

  it('samples at the rate main says: its analysis rate, the top rate while it judges a Verify', async () => {
    const fake = fakePort({ available: true, model: MODEL, fps: 3 })
    const { d, samplers } = detection(fake.port)
    d.begin(7)
    d.connect('bob', 'Bob')
    d.connect('cy', 'Cy')
    d.setVideo('bob', video)
    d.setVideo('cy', video)
    await settle()
    const [bobRate, cyRate] = samplers.map((s) => s.rate)
    expect(bobRate?.()).toBe(3)
    const challenge = { kind: 'turn_head', turned: false, occluded: false } as const
    fake.emit({ callId: 7, challenge: { ...challenge, state: 'running' } })
    expect(bobRate?.()).toBe(10)
    // A Verify of Bob speeds up Bob's sampler only.
    expect(cyRate?.()).toBe(3)
    fake.emit({ callId: 7, challenge: { ...challenge, state: 'passed' } })
    expect(bobRate?.()).toBe(3)
  })
})

describe('a risk level per remote face (group calls)', () => {
  const bobVideo = { id: 'bob' } as unknown as HTMLVideoElement
  const cyVideo = { id: 'cy' } as unknown as HTMLVideoElement

  async function twoPeople() {
    const fake = fakePort()
    const ctx = detection(fake.port)
    ctx.d.begin(7)
    ctx.d.setVideo('bob', bobVideo)
    ctx.d.setVideo('cy', cyVideo)
    ctx.d.connect('bob', 'Bob')
    ctx.d.connect('cy', 'Cy')
    await settle()
    return { fake, ...ctx }
  }

  it('gives two people two sessions with different numbers, each sampling only their video', async () => {
    const { fake, samplers } = await twoPeople()
    expect(fake.calls).toEqual(['start 7', 'start 8'])
    // Frames carry the session number: Bob's video feeds session 7 only, Cy's session 8 only.
    expect(samplers.map((s) => [s.callId, s.video])).toEqual([
      [7, bobVideo],
      [8, cyVideo],
    ])
  })

  it('routes each session’s updates to its person only', async () => {
    const { fake, store } = await twoPeople()
    fake.emit({ callId: 8, level: 'high' })
    expect(risk(store, 'cy')).toBe('high')
    expect(risk(store, 'bob')).toBe('analysing')
    fake.emit({ callId: 7, level: 'low' })
    expect(risk(store, 'bob')).toBe('low')
    expect(risk(store, 'cy')).toBe('high')
    // A session of nobody's (another call, one already ended) changes nothing.
    fake.emit({ callId: 99, level: 'elevated' })
    expect(Object.values(store.getState().risk.peers).map((p) => p.update?.level)).toEqual([
      'low',
      'high',
    ])
  })

  it('removePeer files exactly that person’s report; finish files the rest', async () => {
    const { fake, store, samplers, d } = await twoPeople()
    d.removePeer('cy')
    await settle()
    expect(fake.calls).toEqual(['start 7', 'start 8', 'end 8'])
    expect(samplers.map((s) => s.stopped)).toEqual([false, true])
    expect(Object.keys(store.getState().reports)).toEqual([reportKey(7, 'cy')])
    expect(store.getState().reports[reportKey(7, 'cy')]).toMatchObject({
      callId: 7,
      peer: { id: 'cy', name: 'Cy' },
    })
    expect(Object.keys(store.getState().risk.peers)).toEqual(['bob'])
    // Cy's late update (the detector finishing a frame) is not shown for anyone.
    fake.emit({ callId: 8, level: 'high' })
    expect(store.getState().risk.peers.cy).toBeUndefined()

    d.finish()
    await settle()
    expect(fake.calls).toEqual(['start 7', 'start 8', 'end 8', 'end 7'])
    expect(store.getState().reports[reportKey(7, 'bob')]?.peer).toEqual({ id: 'bob', name: 'Bob' })
    expect(Object.keys(store.getState().reports)).toHaveLength(2)
  })

  it('a person who comes back gets a new session; Verify and a shared screen are per person', async () => {
    const { fake, store, d, challenges, samplers } = await twoPeople()
    d.setRemoteScreen('cy', true)
    expect(store.getState().risk.peers.cy?.screenShare).toBe(true)
    expect(store.getState().risk.peers.bob?.screenShare).toBe(false)
    d.verify('cy') // paused: nothing
    d.verify('bob')
    expect(challenges).toEqual(['turn_head bob'])
    expect(store.getState().risk.peers.bob?.verifying).toBe(true)
    expect(store.getState().risk.peers.cy?.verifying).toBe(false)
    expect(samplers.map((s) => s.stopped)).toEqual([false, true])

    d.removePeer('bob')
    d.connect('bob', 'Bob')
    await settle()
    expect(fake.calls).toEqual(['start 7', 'start 8', 'verify 7 turn_head', 'end 7', 'start 9'])
    expect(samplers.at(-1)).toMatchObject({ callId: 9, video: bobVideo, stopped: false })
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
    // One session for the one remote face, numbered by the renderer (not the call id).
    expect(fake.calls).toEqual([expect.stringMatching(/^start \d+$/)])
    const session = Number(fake.calls[0]?.split(' ')[1])
    fake.emit({ callId: session, level: 'low' })
    const { risk } = ctx.store.getState()
    expect(Object.keys(risk.peers)).toEqual([bob.id])
    expect(riskLevel(risk, risk.peers[bob.id])).toBe('low')

    await ctx.controller.call.hangUp()
    await settle()
    expect(fake.calls).toEqual([`start ${session}`, `end ${session}`])
    expect(ctx.store.getState().phase).toBe('ended')
    expect(ctx.store.getState().reports[reportKey(7, bob.id)]).toMatchObject({
      callId: 7,
      peakLevel: 'low',
      peer: { id: bob.id, name: 'Bob' },
    })
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
