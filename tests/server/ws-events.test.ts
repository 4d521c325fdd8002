import { describe, expect, it } from 'vitest'
import type { AuthResponse, Call } from 'veracall-signaling/protocol'
import {
  callOf,
  envelope,
  eventSockets,
  startServer,
  TestSocket,
  type TestServer,
} from './helper.js'

/** Alice calls Bob, both listening on /ws/events, and Bob's app has rung. */
async function ringing(t: TestServer) {
  const alice = await t.register()
  const bob = await t.register()
  const [ea, eb] = await eventSockets(t, alice, bob)
  if (!ea || !eb) throw new Error('sockets')
  const call = await t.startCall(alice, bob)
  await eb.ofType('incoming_call')
  return { alice, bob, ea, eb, call }
}

async function post(
  t: TestServer,
  path: string,
  callId: number,
  user: AuthResponse,
): Promise<Call> {
  const { status, body } = await t.request<{ call: Call }>(
    'POST',
    path,
    { call_id: callId },
    user.token,
  )
  if (status !== 200) throw new Error(`${path}: ${status} ${JSON.stringify(body)}`)
  return body.call
}

// Every /ws/events event, to both participants, with the call as committed.
describe('/ws/events', async () => {
  const t = await startServer()
  // A separate server whose calls ring for one second, so that the others never race the timeout.
  const short = await startServer({}, { RING_TIMEOUT_S: '1' })

  it('pushes incoming_call, call_accepted and call_ended (completed) to both sides', async () => {
    const alice = await t.register()
    const bob = await t.register()
    const [ea, eb] = await eventSockets(t, alice, bob)
    if (!ea || !eb) throw new Error('sockets')

    const call = await t.startCall(alice, bob, 'audio')
    for (const e of [ea, eb]) {
      const incoming = await e.ofType('incoming_call')
      expect(incoming).toMatchObject({ call_id: call.room_id, user_id: alice.user.id })
      expect(callOf(incoming)).toEqual(call)
    }

    const accepted = await post(t, '/api/v1/calls/accept', call.id, bob)
    for (const e of [ea, eb]) {
      const event = await e.ofType('call_accepted')
      expect(event.user_id).toBe(bob.user.id)
      expect(callOf(event)).toEqual(accepted)
      expect(callOf(event).status).toBe('in_progress')
    }

    const ended = await post(t, '/api/v1/calls/end', call.id, alice)
    for (const e of [ea, eb]) {
      const event = await e.ofType('call_ended')
      expect(event.user_id).toBe(alice.user.id)
      expect(callOf(event)).toEqual(ended)
      expect(callOf(event)).toMatchObject({ status: 'ended', end_reason: 'completed' })
    }
    // Ending it again changes nothing and announces nothing: a round trip proves the silence.
    await post(t, '/api/v1/calls/end', call.id, bob)
    ea.send('ping?')
    await ea.ofType('error')
    expect(ea.messages.filter((m) => m.type !== 'error')).toEqual([])
    ea.close()
    eb.close()
  })

  it('pushes call_declined', async () => {
    const { bob, ea, eb, call } = await ringing(t)
    const declined = await post(t, '/api/v1/calls/decline', call.id, bob)
    for (const e of [ea, eb]) {
      const event = await e.ofType('call_declined')
      expect(event).toMatchObject({ call_id: call.room_id, user_id: bob.user.id })
      expect(callOf(event)).toEqual(declined)
      expect(callOf(event)).toMatchObject({ status: 'ended', end_reason: 'declined' })
    }
    ea.close()
    eb.close()
  })

  it('pushes call_declined, not call_ended, when the callee ends a ringing call', async () => {
    const { bob, ea, eb, call } = await ringing(t)
    const ended = await post(t, '/api/v1/calls/end', call.id, bob)
    expect(ended).toMatchObject({ status: 'ended', end_reason: 'declined' })
    for (const e of [ea, eb]) {
      const event = await e.ofType('call_declined')
      expect(event).toMatchObject({ call_id: call.room_id, user_id: bob.user.id })
      expect(callOf(event)).toEqual(ended)
      expect(e.messages.filter((m) => m.type === 'call_ended')).toEqual([])
    }
    ea.close()
    eb.close()
  })

  it('pushes call_ended (cancelled) when the caller hangs up while it rings', async () => {
    const alice = await t.register()
    const bob = await t.register()
    const [eb] = await eventSockets(t, bob)
    if (!eb) throw new Error('socket')
    const call = await t.startCall(alice, bob)
    await eb.ofType('incoming_call')
    await post(t, '/api/v1/calls/end', call.id, alice)
    expect(callOf(await eb.ofType('call_ended'))).toMatchObject({
      id: call.id,
      end_reason: 'cancelled',
    })
    eb.close()
  })

  it('pushes call_ended (missed) after RING_TIMEOUT_S and closes the room', async () => {
    const alice = await short.register()
    const bob = await short.register()
    const [ea, eb] = await eventSockets(short, alice, bob)
    if (!ea || !eb) throw new Error('sockets')
    const call = await short.startCall(alice, bob)
    const room = new TestSocket(`${short.wsUrl}/ws/call/${call.room_id}?token=${alice.token}`)
    await room.opened
    room.send(envelope('join', call.room_id))
    for (const e of [ea, eb]) {
      const event = await e.ofType('call_ended', 5000)
      expect(callOf(event)).toMatchObject({
        id: call.id,
        status: 'ended',
        end_reason: 'missed',
        ended_at: expect.any(String),
      })
      expect(callOf(event).answered_at).toBeUndefined()
    }
    expect((await room.closed).code).toBe(4410)
    const history = await short.request<{ calls: Call[] }>(
      'GET',
      '/api/v1/calls/history',
      undefined,
      bob.token,
    )
    expect(history.body.calls[0]).toMatchObject({ id: call.id, end_reason: 'missed' })
    ea.close()
    eb.close()
  })

  it("only tells the call's participants", async () => {
    const alice = await t.register()
    const bob = await t.register()
    const carol = await t.register()
    const [ec] = await eventSockets(t, carol)
    const [eb] = await eventSockets(t, bob)
    if (!ec || !eb) throw new Error('sockets')
    await t.startCall(alice, bob)
    await eb.ofType('incoming_call')
    ec.send('anything')
    expect((await ec.ofType('error')).data).toMatchObject({ code: 'unknown_type' })
    expect(ec.messages).toEqual([])
    ec.close()
    eb.close()
  })
})
