/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ROUTES, type Call } from 'veracall-signaling/protocol'
import { HANG_UP_WAIT_MS } from '../../../src/renderer/src/call/call-controller.js'
import { RECONNECT_BOUND_MS } from '../../../src/renderer/src/call/reconnect-watch.js'
import { settle } from '../fakes/fake-peer.js'
import { ManualClock } from '../fakes/manual-clock.js'
import { bob, harness, incomingCall, me, routes } from '../fakes/controller-harness.js'

afterEach(() => {
  vi.unstubAllGlobals()
})

/** Bob called me; the call is in progress and I am still joined: my app was reloaded. */
const inProgress = (extra: Partial<Call> = {}): Call =>
  incomingCall({
    status: 'in_progress',
    answered_at: '2026-11-25T10:00:05Z',
    participants: [
      { user_id: bob.id, role: 'caller', status: 'joined', user: bob },
      { user_id: me.id, role: 'callee', status: 'joined', user: me },
    ],
    ...extra,
  })

function reopenedApp(active: Call[] = [inProgress()]) {
  const clock = new ManualClock()
  let cues = 0
  const ctx = harness(
    null,
    routes({
      [`GET ${ROUTES.activeCalls}`]: () => ({ status: 200, body: { calls: active } }),
      [`POST ${ROUTES.endCall}`]: () => ({
        status: 200,
        body: { call: inProgress({ status: 'ended', end_reason: 'completed' }) },
      }),
    }),
    { reconnectClock: clock, reconnectCue: () => (cues += 1) },
  )
  return { ...ctx, clock, cues: () => cues }
}

/** Rejoins, the other side answers: the call is connected again. */
async function rejoinAndConnect(ctx: ReturnType<typeof reopenedApp>) {
  await ctx.signIn()
  await ctx.controller.call.rejoin()
  await settle()
  const room = ctx.sockets[1]
  room?.push('peer_joined', { user_id: bob.id })
  await settle()
  room?.push('answer', { type: 'answer', sdp: 'bob-answer' })
  await settle(20)
  return room
}

describe('rejoining a call after the app was reloaded', () => {
  it('offers the call in progress after sign-in, and rejoining offers from a fresh connection', async () => {
    const ctx = reopenedApp()
    await ctx.signIn()
    expect(ctx.store.getState()).toMatchObject({ phase: 'idle', rejoinable: { id: 7 } })
    await ctx.controller.call.rejoin()
    await settle()
    expect(ctx.store.getState()).toMatchObject({
      phase: 'connecting',
      rejoinable: null,
      call: { id: 7 },
      peer: { id: bob.id },
      direction: 'incoming',
    })
    const room = ctx.sockets[1]
    expect(room?.url).toBe('ws://localhost:8000/ws/call/room_0000007x')
    expect(room?.sent[0]?.type).toBe('join')
    room?.push('peer_joined', { user_id: bob.id })
    await settle()
    // The callee's app offers this time: Bob's app still holds the old connection.
    expect(room?.sent.map((m) => m.type)).toContain('offer')
    room?.push('answer', { type: 'answer', sdp: 'bob-answer' })
    await settle(20)
    expect(ctx.store.getState()).toMatchObject({ phase: 'active', connectionState: 'connected' })
  })

  it('offers nothing for a call that is only ringing, or that this person already left', async () => {
    const left = inProgress({
      participants: [
        { user_id: bob.id, role: 'caller', status: 'joined', user: bob },
        { user_id: me.id, role: 'callee', status: 'left', user: me },
      ],
    })
    const ctx = reopenedApp([left])
    await ctx.signIn()
    expect(ctx.store.getState().rejoinable).toBeNull()
  })

  it('ends the offered call instead, and forgets it when it ends elsewhere', async () => {
    const ctx = reopenedApp()
    await ctx.signIn()
    await ctx.controller.call.endRejoinable()
    expect(ctx.requests).toContain(`POST ${ROUTES.endCall}`)
    expect(ctx.store.getState().rejoinable).toBeNull()

    const other = reopenedApp()
    await other.signIn()
    other.sockets[0]?.push('call_ended', {
      call: inProgress({ status: 'ended', end_reason: 'completed' }),
    })
    await settle()
    expect(other.store.getState().rejoinable).toBeNull()
  })
})

describe('a connected call that loses its connection', () => {
  it('says it is reconnecting with a cue, and recovers without ending', async () => {
    const ctx = reopenedApp()
    await rejoinAndConnect(ctx)
    const pc = ctx.peers.at(-1)
    pc?.setConnectionState('disconnected')
    expect(ctx.store.getState().reconnecting).toBe('media')
    expect(ctx.cues()).toBe(1)
    ctx.clock.advance(RECONNECT_BOUND_MS - 1)
    pc?.setConnectionState('connected')
    ctx.clock.advance(RECONNECT_BOUND_MS)
    expect(ctx.store.getState()).toMatchObject({ phase: 'active', reconnecting: null })
  })

  it('waits for the other person to come back, then ends with a reason after the bound', async () => {
    const ctx = reopenedApp()
    const room = await rejoinAndConnect(ctx)
    room?.push('peer_left', { user_id: bob.id })
    expect(ctx.store.getState().reconnecting).toBe('peer')
    ctx.peers.at(-1)?.setConnectionState('failed')
    expect(ctx.store.getState().reconnecting).toBe('peer')
    expect(ctx.cues()).toBe(1)
    ctx.clock.advance(RECONNECT_BOUND_MS - 1)
    expect(ctx.store.getState().phase).toBe('active')
    ctx.clock.advance(1)
    await settle()
    expect(ctx.store.getState()).toMatchObject({
      phase: 'ended',
      reconnecting: null,
      summary: { reason: 'connection_lost', peer: { id: bob.id } },
    })
    expect(ctx.requests).toContain(`POST ${ROUTES.endCall}`)
    expect(ctx.tracks.every((t) => t.readyState === 'ended')).toBe(true)
  })
})

describe('hanging up on a server that is slow to answer', () => {
  it('tells the server first, but leaves the call after HANG_UP_WAIT_MS whatever it does', async () => {
    const clock = new ManualClock()
    let answerEnd: (() => void) | undefined
    const ctx = harness(
      null,
      routes({
        [`GET ${ROUTES.activeCalls}`]: () => ({ status: 200, body: { calls: [inProgress()] } }),
        // A server shedding load: calls/end answers only when the test says so.
        [`POST ${ROUTES.endCall}`]: () =>
          new Promise((resolve) => {
            answerEnd = () =>
              resolve({
                status: 200,
                body: { call: inProgress({ status: 'ended', end_reason: 'completed' }) },
              })
          }),
      }),
      { reconnectClock: clock },
    )
    await rejoinAndConnect({ ...ctx, clock, cues: () => 0 })
    expect(ctx.store.getState().phase).toBe('active')

    const hangingUp = ctx.controller.call.hangUp()
    await settle()
    // Asked first, so the others hear "left" before the room socket closes.
    expect(ctx.requests).toContain(`POST ${ROUTES.endCall}`)
    expect(ctx.store.getState().phase).toBe('active')
    clock.advance(HANG_UP_WAIT_MS - 1)
    await settle()
    expect(ctx.store.getState().phase).toBe('active')

    clock.advance(1)
    await hangingUp
    // Out of the call: the summary is shown and the camera and microphone are off.
    expect(ctx.store.getState()).toMatchObject({ phase: 'ended', summary: { callId: 7 } })
    expect(ctx.tracks.length).toBeGreaterThan(0)
    expect(ctx.tracks.every((t) => t.readyState === 'ended')).toBe(true)

    // The end lands later: the history is read again, now with the ended call.
    const historyReads = () => ctx.requests.filter((r) => r === `GET ${ROUTES.history}`).length
    const before = historyReads()
    answerEnd?.()
    await settle()
    expect(historyReads()).toBe(before + 1)
  })
})
