import { describe, expect, it, vi } from 'vitest'
import type { AuthResponse, Call } from 'veracall-signaling/protocol'
import { envelope, startServer, TestSocket, type TestServer } from './helper.js'

type Msg = Record<string, unknown>

/** Two participants of a fresh call, each with an open (not yet joined) room socket. */
async function room(t: TestServer): Promise<{
  alice: AuthResponse
  bob: AuthResponse
  call: Call
  a: TestSocket
  b: TestSocket
}> {
  const alice = await t.register()
  const bob = await t.register()
  const call = await t.startCall(alice, bob)
  const a = new TestSocket(`${t.wsUrl}/ws/call/${call.room_id}?token=${alice.token}`)
  const b = new TestSocket(`${t.wsUrl}/ws/call/${call.room_id}?token=${bob.token}`)
  await Promise.all([a.opened, b.opened])
  return { alice, bob, call, a, b }
}

/** Both join, in order, and each has seen the other arrive. */
async function joinBoth(a: TestSocket, b: TestSocket, roomId: string): Promise<void> {
  a.send(envelope('join', roomId))
  b.send(envelope('join', roomId))
  await Promise.all([a.ofType('peer_joined'), b.ofType('peer_joined')])
}

const offer = (roomId: string, sdp = 'v=0 fake sdp', extra: Msg = {}) =>
  envelope('offer', roomId, { type: 'offer', sdp }, extra)

// W4, W5, W6, peer_joined/peer_left and the same-user re-join.
describe('call room signaling', async () => {
  const t = await startServer()

  it('tells each side who joined, including the joiner about who is already there', async () => {
    const { alice, bob, call, a, b } = await room(t)
    a.send(envelope('join', call.room_id))
    // Alice is alone: nothing to tell her yet. A round trip proves it (errors come back in order).
    a.send('not json')
    await a.ofType('error')
    expect(a.messages.filter((m) => m.type === 'peer_joined')).toEqual([])

    b.send(envelope('join', call.room_id))
    const toAlice = await a.ofType('peer_joined')
    const toBob = await b.ofType('peer_joined')
    expect(toAlice).toMatchObject({
      call_id: call.room_id,
      user_id: bob.user.id,
      data: { user_id: bob.user.id },
      timestamp: expect.any(Number),
    })
    expect(toBob).toMatchObject({ user_id: alice.user.id, data: { user_id: alice.user.id } })
    a.close()
    b.close()
  })

  it('sends peer_left on leave and on close, in both directions', async () => {
    const { alice, bob, call, a, b } = await room(t)
    await joinBoth(a, b, call.room_id)

    b.send(envelope('leave', call.room_id))
    expect(await a.ofType('peer_left')).toMatchObject({
      user_id: bob.user.id,
      data: { user_id: bob.user.id },
    })
    // Bob is out of the room: his offers are refused until he joins again.
    b.send(offer(call.room_id))
    expect((await b.ofType('error')).data).toMatchObject({ code: 'not_in_room' })
    b.send(envelope('join', call.room_id))
    expect((await a.ofType('peer_joined')).user_id).toBe(bob.user.id)
    expect((await b.ofType('peer_joined')).user_id).toBe(alice.user.id)

    a.close()
    expect(await b.ofType('peer_left')).toMatchObject({ user_id: alice.user.id })
    b.close()
  })

  it('replaces an older socket of the same user on re-join with 4000 and no peer_left', async () => {
    const { alice, call, a, b } = await room(t)
    await joinBoth(a, b, call.room_id)
    const open = t.server.app?.websocketServer.clients.size ?? 0

    const a2 = new TestSocket(`${t.wsUrl}/ws/call/${call.room_id}?token=${alice.token}`)
    await a2.opened
    a2.send(envelope('join', call.room_id))
    expect((await a.closed).code).toBe(4000)
    // Wait until the server has processed the old socket's close, then make a round trip.
    await vi.waitFor(() => expect(t.server.app?.websocketServer.clients.size).toBe(open))
    a2.send(offer(call.room_id, 'after reconnect'))
    expect((await b.ofType('offer')).data).toMatchObject({ sdp: 'after reconnect' })
    expect(b.messages.filter((m) => m.type === 'peer_left')).toEqual([])
    // The new socket is the one in the room now.
    b.send(envelope('answer', call.room_id, { type: 'answer', sdp: 'v=0 answer' }))
    expect((await a2.ofType('answer')).user_id).toBe(call.callee_id)
    a2.close()
    b.close()
  })

  it('handles frames in arrival order: an offer right behind "join" is relayed', async () => {
    const { alice, bob, call, a, b } = await room(t)
    b.send(envelope('join', call.room_id))
    // Written in one go, so the server reads both frames in one chunk, while the join is in flight.
    a.socket.send(JSON.stringify(envelope('join', call.room_id)))
    a.socket.send(JSON.stringify(offer(call.room_id, 'right behind join')))
    a.socket.send('bad')
    expect((await a.ofType('error')).data).toMatchObject({ code: 'invalid_json' })
    expect(a.messages).toEqual([
      expect.objectContaining({ type: 'peer_joined', user_id: bob.user.id }),
    ])
    expect(await b.ofType('peer_joined')).toMatchObject({ user_id: alice.user.id })
    expect((await b.ofType('offer')).data).toMatchObject({ sdp: 'right behind join' })
    // Join, leave and close back to back leave nobody subscribed: Bob hears both arrivals and departures.
    a.socket.send(JSON.stringify(envelope('leave', call.room_id)))
    a.socket.send(JSON.stringify(envelope('join', call.room_id)))
    a.close()
    expect((await b.ofType('peer_left')).user_id).toBe(alice.user.id)
    expect((await b.ofType('peer_joined')).user_id).toBe(alice.user.id)
    expect((await b.ofType('peer_left')).user_id).toBe(alice.user.id)
    await vi.waitFor(() =>
      expect(t.server.app?.fanout.localSubscribers(`room:${call.room_id}`).length).toBe(1),
    )
    b.close()
  })

  it('answers each malformed message with an error and keeps the socket open (W5)', async () => {
    const { alice, call, a, b } = await room(t)
    a.send(offer(call.room_id))
    expect((await a.ofType('error')).data).toMatchObject({ code: 'not_in_room' })
    await joinBoth(a, b, call.room_id)

    const cases: [unknown, string][] = [
      ['{"type": "offer", ', 'invalid_json'],
      ['', 'invalid_json'],
      ['42', 'invalid_input'],
      [envelope('teleport', call.room_id), 'unknown_type'],
      [{ type: 'offer', call_id: call.room_id, timestamp: Date.now() }, 'invalid_input'],
      [envelope('offer', call.room_id, { sdp: 42 }), 'invalid_input'],
      [envelope('offer', call.room_id, { sdp: 'x', extra: true }), 'invalid_input'],
      [offer('AAAAAAAAAAAAAAAAAAAAAA'), 'invalid_input'],
      [{ ...offer(call.room_id), unexpected: 1 }, 'invalid_input'],
      [
        envelope('ice_candidate', call.room_id, { candidate: 'c', sdpMLineIndex: -1 }),
        'invalid_input',
      ],
    ]
    for (const [message, code] of cases) {
      a.send(message)
      const error = await a.ofType('error')
      expect(error, JSON.stringify(message)).toMatchObject({
        call_id: call.room_id,
        user_id: alice.user.id,
        data: { code, message: expect.any(String) },
        timestamp: expect.any(Number),
      })
    }
    a.socket.send(Buffer.from([1, 2, 3]))
    expect((await a.ofType('error')).data).toMatchObject({ code: 'invalid_input' })

    expect(a.socket.readyState).toBe(a.socket.OPEN)
    a.send(offer(call.room_id, 'still relays'))
    expect((await b.ofType('offer')).data).toEqual({ type: 'offer', sdp: 'still relays' })
    // Nothing malformed ever reached the peer.
    expect(b.messages).toEqual([])
    a.close()
    b.close()
  })

  it('relays every signaling type with user_id rewritten from the token (W6)', async () => {
    const { alice, bob, call, a, b } = await room(t)
    await joinBoth(a, b, call.room_id)
    const sent = [
      offer(call.room_id, 'v=0 spoof', { user_id: bob.user.id, timestamp: 1234 }),
      envelope('ice_candidate', call.room_id, {
        candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
        sdpMid: '0',
        sdpMLineIndex: 0,
      }),
      envelope('media_state', call.room_id, { audio: true, video: false }),
    ]
    for (const message of sent) a.send({ ...message, user_id: bob.user.id })
    const relayed = [
      await b.ofType('offer'),
      await b.ofType('ice_candidate'),
      await b.ofType('media_state'),
    ]
    relayed.forEach((message, i) => {
      expect(message).toEqual({ ...sent[i], user_id: alice.user.id })
    })
    // A user_id field left out is filled in too.
    const anonymous: Msg = envelope('answer', call.room_id, { sdp: 'v=0' })
    delete anonymous.user_id
    b.send(anonymous)
    expect((await a.ofType('answer')).user_id).toBe(bob.user.id)
    // The sender never gets its own message back.
    expect(a.messages.filter((m) => m.type === 'answer' || m.type === 'offer')).toEqual([])
    expect(b.messages).toEqual([])
    a.close()
    b.close()
  })

  it('relays media_state with the optional screen flag and refuses a malformed one', async () => {
    const { alice, call, a, b } = await room(t)
    await joinBoth(a, b, call.room_id)
    for (const data of [
      { audio: true, video: true, screen: true },
      { audio: false, video: true, screen: false },
      { audio: true, video: true },
    ]) {
      const message = envelope('media_state', call.room_id, data)
      a.send(message)
      expect(await b.ofType('media_state')).toEqual({ ...message, user_id: alice.user.id })
    }
    for (const data of [
      { audio: true, video: true, screen: 'yes' },
      { audio: true, video: true, screen: true, window: 'x' },
    ]) {
      a.send(envelope('media_state', call.room_id, data))
      expect((await a.ofType('error')).data).toMatchObject({ code: 'invalid_input' })
    }
    // Nothing malformed reached the peer.
    expect(b.messages).toEqual([])
    a.close()
    b.close()
  })

  it('relays a Verify challenge and refuses a malformed one with an error to the sender only', async () => {
    const { alice, call, a, b } = await room(t)
    await joinBoth(a, b, call.room_id)
    const good = envelope('challenge', call.room_id, {
      id: 'c1',
      kind: 'turn_head',
      duration_ms: 9000,
    })
    a.send(good)
    expect(await b.ofType('challenge')).toEqual({ ...good, user_id: alice.user.id })
    for (const data of [
      { id: 'c2', kind: 'smile', duration_ms: 9000 },
      { id: 'c3', kind: 'pass_hand', duration_ms: 60_000 },
      { id: '<script>', kind: 'pass_hand', duration_ms: 9000 },
      { id: 'c4', kind: 'pass_hand', duration_ms: 9000, extra: 1 },
    ]) {
      a.send(envelope('challenge', call.room_id, data))
      expect((await a.ofType('error')).data).toMatchObject({ code: 'invalid_input' })
    }
    a.send(offer(call.room_id, 'still relays'))
    expect((await b.ofType('offer')).data).toMatchObject({ sdp: 'still relays' })
    expect(b.messages).toEqual([])
    a.close()
    b.close()
  })

  it('relays a recording notice and refuses a malformed one with an error to the sender only', async () => {
    const { alice, call, a, b } = await room(t)
    await joinBoth(a, b, call.room_id)
    for (const state of ['started', 'stopped'] as const) {
      const notice = envelope('recording', call.room_id, { state })
      a.send(notice)
      expect(await b.ofType('recording')).toEqual({ ...notice, user_id: alice.user.id })
    }
    for (const data of [
      {},
      { state: 'paused' },
      { state: 'STARTED' },
      { state: true },
      { state: 'started', path: '/home/alice/call.webm' },
    ]) {
      a.send(envelope('recording', call.room_id, data))
      expect((await a.ofType('error')).data).toMatchObject({ code: 'invalid_input' })
    }
    a.send(offer(call.room_id, 'still relays'))
    expect((await b.ofType('offer')).data).toMatchObject({ sdp: 'still relays' })
    expect(b.messages).toEqual([])
    a.close()
    b.close()
  })

  it('closes a socket that sends a 65 KiB frame with 1009; others keep being served (W4)', async () => {
    const { call, a, b } = await room(t)
    await joinBoth(a, b, call.room_id)
    a.send(offer(call.room_id, 'x'.repeat(65 * 1024)))
    expect((await a.closed).code).toBe(1009)
    expect(await b.ofType('peer_left')).toMatchObject({ call_id: call.room_id })

    const other = await room(t)
    await joinBoth(other.a, other.b, other.call.room_id)
    other.a.send(offer(other.call.room_id, 'still serving'))
    expect((await other.b.ofType('offer')).data).toMatchObject({ sdp: 'still serving' })
    // A frame just under the limit is fine (the sdp field itself is capped at 60 000 chars).
    other.a.send(offer(other.call.room_id, 'y'.repeat(59_000)))
    expect(((await other.b.ofType('offer')).data as { sdp: string }).sdp).toHaveLength(59_000)
    b.close()
    other.a.close()
    other.b.close()
  })
})
