import { describe, expect, it } from 'vitest'
import type { AuthResponse, Call, ErrorBody } from 'veracall-signaling/protocol'
import { createCallsRepository } from '../../signaling-server/src/db/repositories/calls.js'
import { openDatabase } from '../../signaling-server/src/db/open.js'
import {
  callOf,
  envelope,
  eventSockets,
  LogCapture,
  startServer,
  TestSocket,
  type TestServer,
} from './helper.js'

const GRACE_S = 1

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function acceptedCall(
  t: TestServer,
): Promise<{ alice: AuthResponse; bob: AuthResponse; call: Call }> {
  const alice = await t.register()
  const bob = await t.register()
  const call = await t.startCall(alice, bob)
  const { status } = await t.request(
    'POST',
    '/api/v1/calls/accept',
    { call_id: call.id },
    bob.token,
  )
  expect(status).toBe(200)
  return { alice, bob, call }
}

async function joined(t: TestServer, user: AuthResponse, roomId: string): Promise<TestSocket> {
  const socket = new TestSocket(`${t.wsUrl}/ws/call/${roomId}?token=${user.token}`)
  await socket.opened
  socket.send(envelope('join', roomId))
  // A round trip: once the error for a bad frame is back, the join before it has taken effect.
  socket.send('not json')
  await socket.ofType('error')
  return socket
}

const activeCalls = async (t: TestServer, user: AuthResponse): Promise<Call[]> =>
  (await t.request<{ calls: Call[] }>('GET', '/api/v1/calls/active', undefined, user.token)).body
    .calls

const startStatus = async (t: TestServer, caller: AuthResponse, callee: AuthResponse) =>
  (
    await t.request<ErrorBody>(
      'POST',
      '/api/v1/calls/start',
      { callee_id: callee.user.id, call_type: 'audio' },
      caller.token,
    )
  ).status

// A call in progress whose room nobody is in (both apps crashed or lost the network) must not keep
// both users busy forever: it ends as `interrupted` after EMPTY_ROOM_TIMEOUT_S.
describe('abandoned calls', async () => {
  const t = await startServer({}, { EMPTY_ROOM_TIMEOUT_S: String(GRACE_S) })

  it('ends a call whose room stays empty after both sockets drop, and frees both users', async () => {
    const { alice, bob, call } = await acceptedCall(t)
    const [ea, eb] = await eventSockets(t, alice, bob)
    if (!ea || !eb) throw new Error('sockets')
    const a = await joined(t, alice, call.room_id)
    const b = await joined(t, bob, call.room_id)
    const droppedAt = Date.now()
    // Both apps die without a word: no leave, no calls/end.
    a.socket.terminate()
    b.socket.terminate()
    for (const e of [ea, eb]) {
      const event = await e.ofType('call_ended', 5000)
      expect(callOf(event)).toMatchObject({
        id: call.id,
        status: 'ended',
        end_reason: 'interrupted',
        duration_s: expect.any(Number),
      })
    }
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(GRACE_S * 1000 - 50)
    expect(await startStatus(t, alice, bob)).toBe(201)
    ea.close()
    eb.close()
  })

  it('ends an accepted call whose participants never connected, counting from the accept', async () => {
    const { alice, bob, call } = await acceptedCall(t)
    const [ea] = await eventSockets(t, alice)
    if (!ea) throw new Error('socket')
    expect(await startStatus(t, alice, bob)).toBe(409)
    const event = await ea.ofType('call_ended', 5000)
    expect(callOf(event)).toMatchObject({ id: call.id, end_reason: 'interrupted' })
    expect(await startStatus(t, bob, alice)).toBe(201)
    ea.close()
  })

  it('keeps a call while one side is in the room, or the other comes back within the grace', async () => {
    const { alice, bob, call } = await acceptedCall(t)
    const a = await joined(t, alice, call.room_id)
    let b = await joined(t, bob, call.room_id)
    b.socket.terminate()
    await sleep(GRACE_S * 1000 + 500)
    // Alice stayed: the call goes on.
    a.close()
    await a.closed
    await sleep((GRACE_S * 1000) / 2)
    b = await joined(t, bob, call.room_id)
    await sleep(GRACE_S * 1000 + 500)
    expect((await activeCalls(t, alice)).map((c) => [c.id, c.status])).toEqual([
      [call.id, 'in_progress'],
    ])
    b.close()
  })

  it('leaves a ringing call to the ring timeout', async () => {
    const alice = await t.register()
    const bob = await t.register()
    const call = await t.startCall(alice, bob)
    const a = await joined(t, alice, call.room_id)
    a.close()
    await a.closed
    await sleep(GRACE_S * 1000 + 500)
    expect((await activeCalls(t, bob)).map((c) => c.status)).toEqual(['waiting'])
  })
})

describe('abandoned-call timers on shutdown', () => {
  it('are cleared: nothing touches the database once the server has stopped', async () => {
    const logs = new LogCapture()
    const t = await startServer(
      {},
      { EMPTY_ROOM_TIMEOUT_S: String(GRACE_S), LOG_LEVEL: 'info' },
      { logStream: logs },
    )
    const { alice, call } = await acceptedCall(t)
    const a = await joined(t, alice, call.room_id)
    await t.server.stop()
    await a.closed
    await sleep(GRACE_S * 1000 + 500)
    const db = openDatabase(t.config.dbPath)
    try {
      expect(createCallsRepository(db).byId(call.id)?.status).toBe('in_progress')
    } finally {
      db.close()
    }
    expect(logs.text).not.toContain('"level":50')
    expect(logs.text).not.toContain('room stayed empty')
  })
})
