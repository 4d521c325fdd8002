import { describe, expect, it } from 'vitest'
import type { AuthResponse, Call, HistoryResponse } from 'veracall-signaling/protocol'
import { clusterUnavailable, reportSkip } from './backends.js'
import { envelope, startCluster, startServer, TestSocket } from './helper.js'

// The original system's own test list: register and login, call creation, WebSocket connection,
// signaling relay, call management, call history. Run on one node, and unchanged on a two-node
// cluster (Postgres + Redis) where each request and socket goes to the next node in turn.
const TARGETS = [
  { name: 'one node', skip: undefined, start: () => startServer() },
  { name: 'a two-node cluster', skip: clusterUnavailable, start: () => startCluster() },
]
reportSkip('seed behaviours on a two-node cluster', clusterUnavailable)

describe.each(TARGETS)('seed behaviours on $name', ({ skip, start }) => {
  describe.skipIf(skip !== undefined)('seed behaviours', async () => {
    // A skipped suite's body still runs (to collect its tests): start nothing then.
    if (skip) return
    const t = await start()

    it('registers and logs in', async () => {
      const registered = await t.request<AuthResponse>('POST', '/api/v1/auth/register', {
        username: 'seed_alice',
        password: 'a long password',
        display_name: 'Alice',
      })
      expect(registered.status).toBe(201)
      expect(registered.body.user).toEqual({
        id: expect.any(String),
        username: 'seed_alice',
        display_name: 'Alice',
      })
      const login = await t.request<AuthResponse>('POST', '/api/v1/auth/login', {
        username: 'seed_alice',
        password: 'a long password',
      })
      expect(login.status).toBe(200)
      expect(login.body.user.id).toBe(registered.body.user.id)
      const me = await t.request<{ user: unknown }>(
        'GET',
        '/api/v1/users/me',
        undefined,
        login.body.token,
      )
      expect(me.body.user).toEqual(registered.body.user)
    })

    it('creates a call, connects both sockets, relays signaling and keeps history', async () => {
      const alice = await t.register()
      const bob = await t.register()
      const events = new TestSocket(`${t.wsUrl}/ws/events?token=${bob.token}`)
      await events.opened
      const call = await t.startCall(alice, bob)
      expect(call).toMatchObject({
        status: 'waiting',
        caller_id: alice.user.id,
        callee_id: bob.user.id,
        call_type: 'video',
      })
      const incoming = await events.ofType('incoming_call')
      expect((incoming.data as { call: Call }).call.id).toBe(call.id)

      const accepted = await t.request<{ call: Call }>(
        'POST',
        '/api/v1/calls/accept',
        { call_id: call.id },
        bob.token,
      )
      expect(accepted.body.call.status).toBe('in_progress')

      const a = new TestSocket(`${t.wsUrl}/ws/call/${call.room_id}?token=${alice.token}`)
      const b = new TestSocket(`${t.wsUrl}/ws/call/${call.room_id}?token=${bob.token}`)
      await Promise.all([a.opened, b.opened])
      a.send(envelope('join', call.room_id))
      await new Promise((r) => setTimeout(r, 50))
      b.send(envelope('join', call.room_id))
      expect((await a.ofType('peer_joined')).user_id).toBe(bob.user.id)
      expect((await b.ofType('peer_joined')).user_id).toBe(alice.user.id)

      a.send(
        envelope(
          'offer',
          call.room_id,
          { type: 'offer', sdp: 'v=0 fake sdp' },
          { user_id: bob.user.id },
        ),
      )
      const offer = await b.ofType('offer')
      expect(offer).toMatchObject({
        call_id: call.room_id,
        user_id: alice.user.id,
        data: { type: 'offer', sdp: 'v=0 fake sdp' },
      })

      const ended = await t.request<{ call: Call }>(
        'POST',
        '/api/v1/calls/end',
        { call_id: call.id },
        alice.token,
      )
      expect(ended.body.call).toMatchObject({
        status: 'ended',
        end_reason: 'completed',
        duration_s: expect.any(Number),
      })
      const history = await t.request<HistoryResponse>(
        'GET',
        '/api/v1/calls/history',
        undefined,
        bob.token,
      )
      expect(history.body.total).toBe(1)
      expect(history.body.calls[0]?.id).toBe(call.id)
      expect(history.body.stats.completed).toBe(1)
      await Promise.all([a.closed, b.closed]) // the server closes the room when the call ends
      events.close()
    })
  })
})
