/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ROUTES, type Call, type Participant, type User } from 'veracall-signaling/protocol'
import { CallSession } from '../../../src/renderer/src/call/call-session.js'
import { GROUP_SEND_SCALE } from '../../../src/renderer/src/call/first-frame.js'
import { settle } from '../fakes/fake-peer.js'
import type { FakeSocket } from '../fakes/controller-harness.js'
import {
  bob,
  harness,
  incomingCall,
  me,
  outgoingCall,
  routes,
} from '../fakes/controller-harness.js'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

/** The downscale each connection was told to send the camera at, in order. */
const sendScales = () => vi.spyOn(CallSession.prototype, 'setSendScale')

// Ids chosen around `me` (…0a): Carol's is smaller, Dan's larger.
const carol: User = {
  id: '00000000-0000-4000-8000-000000000009',
  username: 'carol',
  display_name: 'Carol',
}
const dan: User = {
  id: '00000000-0000-4000-8000-00000000000d',
  username: 'dan',
  display_name: 'Dan',
}

const person = (user: User, role: Participant['role'], status: Participant['status']) => ({
  user_id: user.id,
  role,
  status,
  user,
})

/** A group call I placed to Bob and Carol, with their statuses. */
const myGroupCall = (bobStatus: Participant['status'], carolStatus: Participant['status']): Call =>
  outgoingCall({
    participants: [
      person(me, 'caller', 'joined'),
      person(bob, 'callee', bobStatus),
      person(carol, 'callee', carolStatus),
    ],
  })

/** A message from `from` on a room (or events) socket, as the server relays it. */
function push(socket: FakeSocket | undefined, from: string, type: string, data: unknown): void {
  socket?.onmessage?.({
    data: JSON.stringify({ type, call_id: 'room_0000007x', user_id: from, data, timestamp: 1 }),
  } as MessageEvent)
}

const sentTo = (room: FakeSocket | undefined, type: string): (string | undefined)[] =>
  (room?.sent ?? []).filter((m) => m.type === type).map((m) => (m as { to?: string }).to)

function groupCaller(extra: Parameters<typeof routes>[0] = {}) {
  const started: unknown[] = []
  const ctx = harness(
    null,
    routes({
      [`POST ${ROUTES.startCall}`]: (body) => {
        started.push(body)
        return { status: 200, body: { call: myGroupCall('invited', 'invited') } }
      },
      ...extra,
    }),
  )
  return { ...ctx, started }
}

/** I called Bob and Carol; both answered and their apps are in the room. */
async function inGroupCall(ctx: ReturnType<typeof groupCaller>) {
  await ctx.signIn()
  await ctx.controller.call.startGroupCall([bob, carol], 'video')
  await settle()
  const events = ctx.sockets[0]
  const room = ctx.sockets[1]
  push(events, bob.id, 'call_accepted', { call: myGroupCall('joined', 'invited') })
  push(events, carol.id, 'participant_joined', { call: myGroupCall('joined', 'joined') })
  await settle()
  push(room, bob.id, 'peer_joined', { user_id: bob.id })
  push(room, carol.id, 'peer_joined', { user_id: carol.id })
  await settle(40)
  return { events, room }
}

describe('group calls: one connection per remote person', () => {
  it('starts a call with several people (callee_ids) and connects to each as they join', async () => {
    const ctx = groupCaller()
    await ctx.signIn()
    await ctx.controller.call.startGroupCall([bob, carol], 'video')
    await settle()
    expect(ctx.started).toEqual([{ callee_ids: [bob.id, carol.id], call_type: 'video' }])
    expect(ctx.store.getState()).toMatchObject({ phase: 'outgoing', group: true })
    // Nobody answered yet: no connection.
    expect(ctx.peers).toHaveLength(0)

    const room = ctx.sockets[1]
    push(room, bob.id, 'peer_joined', { user_id: bob.id })
    await settle(40)
    expect(ctx.peers).toHaveLength(1)
    // The caller offers to each callee, addressed to them only.
    expect(sentTo(room, 'offer')).toEqual([bob.id])

    push(room, carol.id, 'peer_joined', { user_id: carol.id })
    await settle(40)
    expect(ctx.peers).toHaveLength(2)
    expect(sentTo(room, 'offer')).toEqual([bob.id, carol.id])
    // Nothing goes to the whole room in a group call.
    expect(room?.sent.filter((m) => m.type !== 'join' && !('to' in m))).toEqual([])
  })

  it('takes in each message on the connection of the person it is from', async () => {
    const ctx = groupCaller()
    const { room } = await inGroupCall(ctx)
    const [toBob, toCarol] = ctx.peers
    push(room, carol.id, 'answer', { type: 'answer', sdp: 'carol-answer' })
    await settle(20)
    expect(toCarol?.remoteDescription?.sdp).toBe('carol-answer')
    expect(toBob?.remoteDescription).toBeNull()
    expect(ctx.store.getState().peers[carol.id]?.connectionState).toBe('connected')
    expect(ctx.store.getState().peers[bob.id]?.connectionState).not.toBe('connected')
    // One connected person is enough for the call to be up.
    expect(ctx.store.getState()).toMatchObject({ phase: 'active', connectionState: 'connected' })

    push(room, bob.id, 'media_state', { audio: false, video: true })
    await settle()
    expect(ctx.store.getState().peers[bob.id]?.media).toEqual({ audio: false, video: true })
    expect(ctx.store.getState().peers[carol.id]?.media).toEqual({ audio: true, video: true })
  })

  it('tells everyone when I mute, each addressed', async () => {
    const ctx = groupCaller()
    const { room } = await inGroupCall(ctx)
    const before = sentTo(room, 'media_state').length
    ctx.controller.devices.toggleMicrophone()
    expect(sentTo(room, 'media_state').slice(before)).toEqual([bob.id, carol.id])
    expect(ctx.tracks.filter((t) => t.kind === 'audio').every((t) => !t.enabled)).toBe(true)
  })

  it('closes the connection of someone who left, and the call goes on with the others', async () => {
    const ctx = groupCaller()
    const { events, room } = await inGroupCall(ctx)
    push(room, bob.id, 'answer', { type: 'answer', sdp: 'bob-answer' })
    push(room, carol.id, 'answer', { type: 'answer', sdp: 'carol-answer' })
    await settle(20)
    // Each face has its own face-check entry, named from the call's list.
    expect(ctx.store.getState().risk.peers[carol.id]?.name).toBe('Carol')
    expect(ctx.store.getState().risk.peers[bob.id]?.name).toBe('Bob')
    push(events, carol.id, 'participant_left', { call: myGroupCall('joined', 'left') })
    await settle()
    const [toBob, toCarol] = ctx.peers
    expect(toCarol?.closed).toBe(true)
    expect(toBob?.closed).toBe(false)
    // My camera and microphone still send to Bob.
    expect(ctx.tracks.every((t) => t.readyState === 'live')).toBe(true)
    expect(Object.keys(ctx.store.getState().peers)).toEqual([bob.id])
    expect(Object.keys(ctx.store.getState().risk.peers)).toEqual([bob.id])
    expect(ctx.store.getState()).toMatchObject({ phase: 'active', connectionState: 'connected' })

    // The last one leaves: the server ends the call, and it ends here.
    push(events, bob.id, 'call_ended', {
      call: { ...myGroupCall('left', 'left'), status: 'ended', end_reason: 'completed' },
    })
    await settle()
    expect(ctx.store.getState().phase).toBe('ended')
    expect(toBob?.closed).toBe(true)
    expect(ctx.tracks.every((t) => t.readyState === 'ended')).toBe(true)
  })

  it('a callee accepts before joining the room, and is polite only where the rule says', async () => {
    // Bob called me and Carol and Dan; Carol (smaller id) and Dan (larger) already answered.
    const call = incomingCall({
      participants: [
        person(bob, 'caller', 'joined'),
        person(carol, 'callee', 'joined'),
        person(me, 'callee', 'invited'),
        person(dan, 'callee', 'joined'),
      ],
      status: 'in_progress',
    })
    const accepted = {
      ...call,
      participants: call.participants?.map((p) => ({ ...p, status: 'joined' as const })),
    }
    const ctx = harness(
      null,
      routes({ [`POST ${ROUTES.acceptCall}`]: () => ({ status: 200, body: { call: accepted } }) }),
    )
    await ctx.signIn()
    await ctx.ringIn(call)
    expect(ctx.store.getState()).toMatchObject({ phase: 'incoming', group: true })
    await ctx.controller.call.accept()
    await settle()
    // The room (which admits joined people only) opened after the accept.
    expect(ctx.requests).toContain(`POST ${ROUTES.acceptCall}`)
    const room = ctx.sockets[1]
    expect(room?.url).toContain('/ws/call/')
    for (const who of [bob, carol, dan]) push(room, who.id, 'peer_joined', { user_id: who.id })
    await settle(40)
    expect(ctx.peers).toHaveLength(3)
    // Between callees the smaller id is polite: I offer to Carol (smaller than mine) only; the
    // caller offers to me, and so does Dan (larger), whose offer I answer.
    expect(sentTo(room, 'offer')).toEqual([carol.id])
    push(room, dan.id, 'offer', { type: 'offer', sdp: 'dan-offer' })
    await settle(20)
    expect(sentTo(room, 'answer')).toEqual([dan.id])
  })

  it('1:1 calls send exactly as before: no `to`, the camera at full resolution', async () => {
    const scales = sendScales()
    const ctx = harness(
      null,
      routes({
        [`POST ${ROUTES.startCall}`]: () => ({ status: 200, body: { call: outgoingCall() } }),
      }),
    )
    await ctx.signIn()
    await ctx.controller.call.startCall(bob, 'video')
    await settle()
    expect(ctx.fetches.find((f) => f.path === ROUTES.startCall)?.body).toEqual({
      callee_id: bob.id,
      call_type: 'video',
    })
    const room = ctx.sockets[1]
    push(room, bob.id, 'peer_joined', { user_id: bob.id })
    await settle(40)
    expect(ctx.store.getState().group).toBe(false)
    expect(room?.sent.filter((m) => 'to' in m)).toEqual([])
    expect(sentTo(room, 'offer')).toEqual([undefined])
    expect(scales).not.toHaveBeenCalled()
  })

  it('Add person: the call becomes a group call; call_full and busy come back as codes', async () => {
    const scales = sendScales()
    let reply: { status: number; body: unknown } = {
      status: 200,
      body: {
        call: outgoingCall({
          status: 'in_progress',
          participants: [
            person(me, 'caller', 'joined'),
            person(bob, 'callee', 'joined'),
            person(carol, 'callee', 'invited'),
          ],
        }),
      },
    }
    const ctx = harness(
      null,
      routes({
        [`POST ${ROUTES.startCall}`]: () => ({ status: 200, body: { call: outgoingCall() } }),
        [`POST ${ROUTES.inviteToCall}`]: () => reply,
      }),
    )
    await ctx.signIn()
    await ctx.controller.call.startCall(bob, 'video')
    await settle()
    const room = ctx.sockets[1]
    push(room, bob.id, 'peer_joined', { user_id: bob.id })
    push(room, bob.id, 'answer', { type: 'answer', sdp: 'bob-answer' })
    await settle(40)
    expect(ctx.store.getState().phase).toBe('active')

    expect(await ctx.controller.call.invite(carol)).toBeNull()
    expect(ctx.fetches.find((f) => f.path === ROUTES.inviteToCall)?.body).toEqual({
      call_id: 7,
      user_id: carol.id,
    })
    expect(ctx.store.getState().group).toBe(true)
    // Bob's connection sends the camera at the group's scale from now on.
    expect(scales.mock.calls).toEqual([[GROUP_SEND_SCALE]])
    // From now on what goes to Bob is addressed to him.
    ctx.controller.devices.toggleMicrophone()
    expect(sentTo(room, 'media_state').at(-1)).toBe(bob.id)
    // Carol answers and appears in the room: a second connection, the first one kept.
    push(room, carol.id, 'peer_joined', { user_id: carol.id })
    await settle(40)
    expect(ctx.peers).toHaveLength(2)
    expect(ctx.peers[0]?.closed).toBe(false)
    expect(sentTo(room, 'offer').at(-1)).toBe(carol.id)
    // Carol's, made in a group call, at once.
    expect(scales.mock.calls).toEqual([[GROUP_SEND_SCALE], [GROUP_SEND_SCALE]])
    expect(new Set(scales.mock.contexts).size).toBe(2)

    reply = { status: 409, body: { error: { code: 'call_full', message: 'full' } } }
    expect(await ctx.controller.call.invite(dan)).toBe('call_full')
    reply = { status: 409, body: { error: { code: 'busy', message: 'busy' } } }
    expect(await ctx.controller.call.invite(dan)).toBe('busy')
  })

  it('a group call nobody answers, or one refused as busy, names everyone it was for', async () => {
    const ctx = groupCaller()
    await ctx.signIn()
    await ctx.controller.call.startGroupCall([bob, carol], 'video')
    await settle()
    push(ctx.sockets[0], carol.id, 'call_declined', {
      call: { ...myGroupCall('declined', 'declined'), status: 'ended', end_reason: 'declined' },
    })
    await settle()
    expect(ctx.store.getState().notice).toMatchObject({
      kind: 'declined',
      peerNames: ['Bob', 'Carol'],
    })

    const busy = groupCaller({
      [`POST ${ROUTES.startCall}`]: () => ({
        status: 409,
        body: { error: { code: 'busy', message: 'busy' } },
      }),
    })
    await busy.signIn()
    await busy.controller.call.startGroupCall([bob, carol], 'audio')
    await settle()
    expect(busy.store.getState()).toMatchObject({
      phase: 'idle',
      notice: { kind: 'busyGroup', peerNames: ['Bob', 'Carol'] },
    })
  })

  it('the summary of a group call lists everyone who took part, in the order they connected', async () => {
    const ctx = groupCaller()
    const { room } = await inGroupCall(ctx)
    // Carol's connection comes up first, then Bob's.
    push(room, carol.id, 'answer', { type: 'answer', sdp: 'carol-answer' })
    await settle(20)
    push(room, bob.id, 'answer', { type: 'answer', sdp: 'bob-answer' })
    await settle(20)
    await ctx.controller.call.hangUp()
    const summary = ctx.store.getState().summary
    expect(summary?.people.map((p) => p.id)).toEqual([carol.id, bob.id])
    // `peer` stays what it was (the first callee), for 1:1 code paths.
    expect(summary?.peer.id).toBe(bob.id)
  })

  it('Call again after a group call rings the same people at once', async () => {
    const ctx = groupCaller()
    const { room } = await inGroupCall(ctx)
    push(room, bob.id, 'answer', { type: 'answer', sdp: 'bob-answer' })
    push(room, carol.id, 'answer', { type: 'answer', sdp: 'carol-answer' })
    await settle(20)
    await ctx.controller.call.hangUp()
    expect(ctx.store.getState().phase).toBe('ended')
    await ctx.controller.call.callAgain()
    await settle()
    expect(ctx.started.at(-1)).toEqual({ callee_ids: [bob.id, carol.id], call_type: 'video' })
    expect(ctx.store.getState()).toMatchObject({ phase: 'outgoing', group: true, summary: null })
  })

  it('Call again after a 1:1 call is the same 1:1 call (callee_id)', async () => {
    const ctx = harness(
      null,
      routes({
        [`POST ${ROUTES.startCall}`]: () => ({ status: 200, body: { call: outgoingCall() } }),
      }),
    )
    await ctx.signIn()
    await ctx.controller.call.startCall(bob, 'audio')
    await settle()
    const room = ctx.sockets[1]
    push(room, bob.id, 'peer_joined', { user_id: bob.id })
    push(room, bob.id, 'answer', { type: 'answer', sdp: 'bob-answer' })
    await settle(40)
    await ctx.controller.call.hangUp()
    expect(ctx.store.getState().summary?.people).toEqual([bob])
    await ctx.controller.call.callAgain()
    await settle()
    const starts = ctx.fetches.filter((f) => f.path === ROUTES.startCall)
    expect(starts.map((f) => f.body)).toEqual([
      { callee_id: bob.id, call_type: 'audio' },
      { callee_id: bob.id, call_type: 'audio' },
    ])
    expect(ctx.store.getState()).toMatchObject({ phase: 'outgoing', group: false })
  })

  it('rejoins a group call after a reload: a fresh connection offers to each person in it', async () => {
    // Bob called me and Dan; I reloaded. Towards both I would normally wait for their offer.
    const call = incomingCall({
      status: 'in_progress',
      participants: [
        person(bob, 'caller', 'joined'),
        person(me, 'callee', 'joined'),
        person(dan, 'callee', 'joined'),
      ],
    })
    const ctx = harness(
      null,
      routes({ [`GET ${ROUTES.activeCalls}`]: () => ({ status: 200, body: { calls: [call] } }) }),
    )
    await ctx.signIn()
    expect(ctx.store.getState().rejoinable?.id).toBe(7)
    await ctx.controller.call.rejoin()
    await settle()
    expect(ctx.store.getState()).toMatchObject({ phase: 'connecting', group: true })
    const room = ctx.sockets[1]
    push(room, bob.id, 'peer_joined', { user_id: bob.id })
    push(room, dan.id, 'peer_joined', { user_id: dan.id })
    await settle(40)
    // Their apps still hold the old connections: this app's new ones offer, each addressed.
    expect(sentTo(room, 'offer')).toEqual([bob.id, dan.id])
    push(room, dan.id, 'answer', { type: 'answer', sdp: 'dan-answer' })
    await settle(20)
    expect(ctx.store.getState()).toMatchObject({ phase: 'active', connectionState: 'connected' })
  })
})
