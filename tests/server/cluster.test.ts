import { afterAll, describe, expect, it } from 'vitest'
import { DEFAULTS } from 'veracall-signaling'
import type {
  AuthResponse,
  Call,
  HealthResponse,
  HistoryResponse,
} from 'veracall-signaling/protocol'
import { clusterUnavailable, reportSkip, startPostgres, startRedis } from './backends.js'
import {
  callOf,
  envelope,
  eventSockets,
  spawnFixture,
  startServer,
  TEST_SECRET,
  TestSocket,
  type TestServer,
} from './helper.js'

/**
 * Issue 11's contract on a real cluster: Postgres + Redis on loopback and two server nodes in
 * this process (A and B) sharing JWT_SECRET, plus a third node (C) in a child process for the
 * SIGKILL cases. Clients see one server whichever node they reach.
 */
const RING_S = 2
const GRACE_S = 2
const PRESENCE_TTL_S = 2
/** How long past a deadline a test waits for the end before it fails. */
const SLACK_MS = 5000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

reportSkip('cluster (Postgres + Redis, several nodes)', clusterUnavailable)

describe.skipIf(clusterUnavailable !== undefined)(
  'cluster: two nodes on Postgres and Redis',
  async () => {
    // A skipped suite's body still runs (to collect its tests): start nothing without the binaries.
    if (clusterUnavailable) return
    // Started before the nodes and registered first, so their afterAll runs after the nodes stop.
    const postgres = await startPostgres()
    afterAll(() => postgres.stop())
    const redis = await startRedis()
    afterAll(() => redis.stop())

    const node = (nodeId: string): Promise<TestServer> =>
      startServer({
        databaseUrl: postgres.url,
        redisUrl: redis.url,
        nodeId,
        ringTimeoutS: RING_S,
        emptyRoomTimeoutS: GRACE_S,
        presenceTtlMs: PRESENCE_TTL_S * 1000,
        sweepIntervalMs: 250,
      })
    const a = await node('node-a')
    const b = await node('node-b')

    // A second cluster of two nodes with tight limits, on a Postgres and a Redis of its own, so
    // its counters start at zero. (Nodes that share a database must share a Redis: any node's
    // sweeper may end any call, and its pushes go through its own Redis.)
    const limitsPostgres = await startPostgres()
    afterAll(() => limitsPostgres.stop())
    const limitsRedis = await startRedis()
    afterAll(() => limitsRedis.stop())
    const AUTH_PER_MIN = 4
    const SOCKETS_PER_USER = 3
    const strict = (nodeId: string): Promise<TestServer> =>
      startServer({
        databaseUrl: limitsPostgres.url,
        redisUrl: limitsRedis.url,
        nodeId,
        rateLimit: { global: 100_000, auth: AUTH_PER_MIN, callStart: 100_000 },
        ws: { ...DEFAULTS.ws, maxSocketsPerUser: SOCKETS_PER_USER },
      })
    const strictA = await strict('strict-a')
    const strictB = await strict('strict-b')

    /** A third node in a child process, killable with -9. */
    const childNode = async (nodeId: string) => {
      const fixture = spawnFixture('cluster-node.ts', {
        JWT_SECRET: TEST_SECRET,
        DATABASE_URL: postgres.url,
        REDIS_URL: redis.url,
        NODE_ID: nodeId,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        SCRYPT_LOG2_N: '10',
        SHED_LOAD: 'off',
        RING_TIMEOUT_S: String(RING_S),
        EMPTY_ROOM_TIMEOUT_S: String(GRACE_S),
        PRESENCE_TTL_S: String(PRESENCE_TTL_S),
        RATE_LIMIT_PER_MIN: '100000',
        RATE_LIMIT_AUTH_PER_MIN: '100000',
        RATE_LIMIT_CALLS_PER_MIN: '100000',
      })
      const ready = await fixture.line((l) => l.step === 'ready')
      const url = String(ready.url)
      const post = async <T>(path: string, body: object, token: string): Promise<T> => {
        const response = await fetch(url + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        })
        if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
        return (await response.json()) as T
      }
      return { fixture, url, wsUrl: url.replace(/^http/, 'ws'), post }
    }

    const accept = async (t: TestServer, callee: AuthResponse, call: Call): Promise<Call> => {
      const { status, body } = await t.request<{ call: Call }>(
        'POST',
        '/api/v1/calls/accept',
        { call_id: call.id },
        callee.token,
      )
      expect(status).toBe(200)
      return body.call
    }

    const startStatus = async (t: TestServer, caller: AuthResponse, callee: AuthResponse) =>
      (
        await t.request(
          'POST',
          '/api/v1/calls/start',
          { callee_id: callee.user.id, call_type: 'audio' },
          caller.token,
        )
      ).status

    const roomSocket = async (wsUrl: string, user: AuthResponse, roomId: string) => {
      const socket = new TestSocket(`${wsUrl}/ws/call/${roomId}?token=${user.token}`)
      await socket.opened
      socket.send(envelope('join', roomId))
      // A round trip: once the error for a bad frame is back, the join before it has taken effect.
      socket.send('not json')
      await socket.ofType('error')
      return socket
    }

    it('a user registered on A logs in on B; both nodes report Postgres and Redis in /health', async () => {
      const alice = await a.register('cluster_alice', 'correct horse battery')
      const login = await b.request<AuthResponse>('POST', '/api/v1/auth/login', {
        username: 'CLUSTER_ALICE',
        password: 'correct horse battery',
      })
      expect(login.status).toBe(200)
      expect(login.body.user).toEqual(alice.user)
      const me = await a.request<{ user: unknown }>(
        'GET',
        '/api/v1/users/me',
        undefined,
        login.body.token,
      )
      expect(me.body.user).toEqual(alice.user)
      for (const [t, id] of [
        [a, 'node-a'],
        [b, 'node-b'],
      ] as const) {
        const health = await t.request<HealthResponse>('GET', '/health')
        expect(health.status).toBe(200)
        expect(health.body).toMatchObject({
          status: 'ok',
          database: 'ok',
          redis: 'ok',
          node: id,
          backends: { database: 'postgres', fanout: 'redis' },
        })
        // Each series names its node; the backends' health is a gauge.
        const metrics = await t.request<string>('GET', '/metrics')
        expect(metrics.status).toBe(200)
        for (const backend of ['postgres', 'redis'])
          expect(metrics.body).toMatch(
            new RegExp(
              `veracall_backend_up\\{(?=[^}]*backend="${backend}")(?=[^}]*node="${id}")[^}]*\\} 1`,
            ),
          )
      }
    })

    it('a call placed on A rings the callee on B, and the accept on B reaches the caller on A', async () => {
      const alice = await a.register()
      const bob = await b.register()
      const [ea] = await eventSockets(a, alice)
      const [eb] = await eventSockets(b, bob)
      if (!ea || !eb) throw new Error('sockets')
      const call = await a.startCall(alice, bob)
      expect(callOf(await eb.ofType('incoming_call'))).toMatchObject({
        id: call.id,
        status: 'waiting',
      })
      await accept(b, bob, call)
      expect(callOf(await ea.ofType('call_accepted'))).toMatchObject({
        id: call.id,
        status: 'in_progress',
      })
      const ended = await b.request<{ call: Call }>(
        'POST',
        '/api/v1/calls/end',
        { call_id: call.id },
        bob.token,
      )
      expect(ended.body.call).toMatchObject({ status: 'ended', end_reason: 'completed' })
      expect(callOf(await ea.ofType('call_ended'))).toMatchObject({
        id: call.id,
        end_reason: 'completed',
      })
      // One push per event, not one per node.
      await sleep(300)
      expect(ea.messages.filter((m) => m.type === 'call_ended')).toEqual([])
      ea.close()
      eb.close()
    })

    it('relays a room split across nodes in order, once, with user_id rewritten; peer_joined/peer_left cross', async () => {
      const alice = await a.register()
      const bob = await b.register()
      const call = await a.startCall(alice, bob)
      await accept(b, bob, call)
      const sa = await roomSocket(a.wsUrl, alice, call.room_id)
      const sb = await roomSocket(b.wsUrl, bob, call.room_id)
      expect(await sa.ofType('peer_joined')).toMatchObject({ user_id: bob.user.id })
      expect(await sb.ofType('peer_joined')).toMatchObject({ user_id: alice.user.id })

      const spoof = { user_id: bob.user.id }
      sa.send(envelope('offer', call.room_id, { type: 'offer', sdp: 'offer-sdp' }, spoof))
      const CANDIDATES = 50
      for (let i = 0; i < CANDIDATES; i++)
        sa.send(envelope('ice_candidate', call.room_id, { candidate: `candidate:${i}` }, spoof))
      sb.send(envelope('answer', call.room_id, { type: 'answer', sdp: 'answer-sdp' }))
      expect(await sa.ofType('answer')).toMatchObject({
        user_id: bob.user.id,
        data: { sdp: 'answer-sdp' },
      })
      const last = await sb.next(
        (m) => (m.data as { candidate?: string }).candidate === `candidate:${CANDIDATES - 1}`,
      )
      await sleep(300) // anything duplicated would have arrived by now
      const relayed = [...sb.messages, last].filter(
        (m) => m.type === 'offer' || m.type === 'ice_candidate',
      )
      expect(relayed.map((m) => m.type)).toEqual([
        'offer',
        ...Array<string>(CANDIDATES).fill('ice_candidate'),
      ])
      expect(relayed.every((m) => m.user_id === alice.user.id)).toBe(true)
      expect(relayed.slice(1).map((m) => (m.data as { candidate: string }).candidate)).toEqual(
        Array.from({ length: CANDIDATES }, (_, i) => `candidate:${i}`),
      )

      sb.send(envelope('leave', call.room_id))
      expect(await sa.ofType('peer_left')).toMatchObject({ user_id: bob.user.id })
      sa.close()
      sb.close()
    })

    it('refuses a third user with 4403 whichever node they reach', async () => {
      const alice = await a.register()
      const bob = await b.register()
      const mallory = await a.register()
      const call = await a.startCall(alice, bob)
      for (const t of [a, b]) {
        const socket = new TestSocket(`${t.wsUrl}/ws/call/${call.room_id}?token=${mallory.token}`)
        expect((await socket.closed).code).toBe(4403)
      }
      await a.request('POST', '/api/v1/calls/end', { call_id: call.id }, alice.token)
    })

    it('holds the busy check (409) across nodes', async () => {
      const alice = await a.register()
      const bob = await b.register()
      const carol = await b.register()
      const call = await a.startCall(alice, bob)
      expect(await startStatus(b, carol, bob)).toBe(409)
      expect(await startStatus(b, bob, carol)).toBe(409)
      expect(await startStatus(a, carol, alice)).toBe(409)
      // The same race from both nodes at once: exactly one call is created.
      await a.request('POST', '/api/v1/calls/end', { call_id: call.id }, alice.token)
      const dave = await a.register()
      const statuses = await Promise.all([
        startStatus(a, alice, carol),
        startStatus(b, bob, carol),
        startStatus(a, dave, carol),
        startStatus(b, carol, dave),
      ])
      expect(statuses.filter((s) => s === 201)).toHaveLength(1)
      expect(statuses.filter((s) => s === 409)).toHaveLength(3)
    })

    it('agrees on history and stats from every node', async () => {
      const alice = await a.register()
      const bob = await b.register()
      for (const t of [a, b, a]) {
        const call = await t.startCall(alice, bob)
        await accept(t === a ? b : a, bob, call)
        await t.request('POST', '/api/v1/calls/end', { call_id: call.id }, alice.token)
      }
      const declined = await b.startCall(bob, alice)
      await a.request('POST', '/api/v1/calls/decline', { call_id: declined.id }, alice.token)
      const path = '/api/v1/calls/history?page=1&limit=10'
      const fromA = await a.request<HistoryResponse>('GET', path, undefined, alice.token)
      const fromB = await b.request<HistoryResponse>('GET', path, undefined, alice.token)
      expect(fromA.status).toBe(200)
      expect(fromB.body).toEqual(fromA.body)
      expect(fromA.body.stats).toMatchObject({
        total_calls: 4,
        completed: 3,
        declined: 1,
        missed: 0,
      })
      expect(fromA.body.calls.map((c) => c.id)).toEqual(
        [...fromA.body.calls.map((c) => c.id)].sort((x, y) => y - x),
      )
    })

    it('ends many calls due at once across both nodes exactly once each, with one push per user', async () => {
      const PAIRS = 12
      const pairs: {
        caller: AuthResponse
        callee: AuthResponse
        socket: TestSocket
        call?: Call
      }[] = []
      for (let i = 0; i < PAIRS; i++) {
        const t = i % 2 === 0 ? a : b
        const caller = await t.register()
        const callee = await t.register()
        const [socket] = await eventSockets(i % 3 === 0 ? a : b, callee)
        if (!socket) throw new Error('socket')
        pairs.push({ caller, callee, socket })
      }
      await Promise.all(
        pairs.map(async (p, i) => {
          p.call = await (i % 2 === 0 ? a : b).startCall(p.caller, p.callee)
        }),
      )
      for (const p of pairs) {
        const ended = callOf(await p.socket.ofType('call_ended', RING_S * 1000 + SLACK_MS))
        expect(ended).toMatchObject({ id: p.call?.id, end_reason: 'missed' })
      }
      await sleep(1000)
      for (const p of pairs) {
        expect(p.socket.messages.filter((m) => m.type === 'call_ended')).toEqual([])
        p.socket.close()
      }
    })

    it('a node killed with SIGKILL mid-ring: the call still ends as missed on time, pushes sent', async () => {
      const c = await childNode('node-c')
      const alice = await a.register()
      const bob = await b.register()
      const [ea] = await eventSockets(a, alice)
      const [eb] = await eventSockets(b, bob)
      if (!ea || !eb) throw new Error('sockets')
      const { call } = await c.post<{ call: Call }>(
        '/api/v1/calls/start',
        { callee_id: bob.user.id, call_type: 'video' },
        alice.token,
      )
      await eb.ofType('incoming_call')
      c.fixture.child.kill('SIGKILL')
      expect((await c.fixture.exited).signal).toBe('SIGKILL')
      for (const socket of [ea, eb])
        expect(callOf(await socket.ofType('call_ended', RING_S * 1000 + SLACK_MS))).toMatchObject({
          id: call.id,
          status: 'ended',
          end_reason: 'missed',
        })
      // Due RING_S after the start; found by a survivor's sweep within its interval (250 ms),
      // with room for a loaded machine.
      expect(Date.now() - Date.parse(call.created_at)).toBeLessThan(RING_S * 1000 + 3000)
      const history = await b.request<HistoryResponse>(
        'GET',
        '/api/v1/calls/history',
        undefined,
        bob.token,
      )
      expect(history.body.calls[0]).toMatchObject({ id: call.id, end_reason: 'missed' })
      ea.close()
      eb.close()
    })

    it('a node killed with SIGKILL mid-call: its presence expires and the call ends as interrupted', async () => {
      const c = await childNode('node-c2')
      const alice = await a.register()
      const bob = await b.register()
      const call = await a.startCall(alice, bob)
      await accept(b, bob, call)
      const [ea] = await eventSockets(a, alice)
      if (!ea) throw new Error('socket')
      // Both room sockets on C: to A and B the room is full until C's heartbeat key expires.
      const sa = await roomSocket(c.wsUrl, alice, call.room_id)
      const sb = await roomSocket(c.wsUrl, bob, call.room_id)
      await sleep(GRACE_S * 1000 + 500)
      expect(
        (await a.request<{ calls: Call[] }>('GET', '/api/v1/calls/active', undefined, alice.token))
          .body.calls,
      ).toHaveLength(1)
      c.fixture.child.kill('SIGKILL')
      await Promise.all([sa.closed, sb.closed])
      const ended = callOf(
        await ea.ofType('call_ended', (PRESENCE_TTL_S + 2 * GRACE_S) * 1000 + SLACK_MS),
      )
      expect(ended).toMatchObject({
        id: call.id,
        end_reason: 'interrupted',
        answered_at: expect.any(String),
      })
      expect(await startStatus(b, bob, alice)).toBe(201)
      ea.close()
    })

    it('holds the auth rate limit cluster-wide: its counters are in Redis', async () => {
      const login = (t: TestServer) =>
        t.request('POST', '/api/v1/auth/login', {
          username: 'nobody_here',
          password: 'x'.repeat(8),
        })
      const statuses: number[] = []
      for (let i = 0; i < AUTH_PER_MIN; i++)
        statuses.push((await login(i % 2 ? strictA : strictB)).status)
      expect(statuses).toEqual(Array<number>(AUTH_PER_MIN).fill(401))
      for (const t of [strictA, strictB]) {
        const refused = await login(t)
        expect(refused.status).toBe(429)
        expect(refused.headers.get('retry-after')).toMatch(/^\d+$/)
      }
    })

    it("holds the per-user socket cap cluster-wide, and frees a closed socket's slot", async () => {
      const alice = await strictA.register()
      const open = async (t: TestServer) => {
        const socket = new TestSocket(`${t.wsUrl}/ws/events?token=${alice.token}`)
        await socket.opened
        return socket
      }
      const held = [await open(strictA), await open(strictB), await open(strictA)]
      const over = await open(strictB)
      expect((await over.closed).code).toBe(4429)
      held[1]?.close()
      await held[1]?.closed
      // The slot is given back asynchronously (a Redis write): retry briefly.
      let again = await open(strictA)
      for (let i = 0; i < 20 && (await Promise.race([again.closed, sleep(200)])); i++)
        again = await open(strictA)
      expect(again.socket.readyState).toBe(again.socket.OPEN)
      for (const socket of [...held, again]) socket.close()
    })

    it('Redis restarted under a live call: the room keeps relaying across nodes', async () => {
      const alice = await a.register()
      const bob = await b.register()
      const call = await a.startCall(alice, bob)
      await accept(b, bob, call)
      const sa = await roomSocket(a.wsUrl, alice, call.room_id)
      const sb = await roomSocket(b.wsUrl, bob, call.room_id)
      await redis.restart()
      // Each node reconnects, re-subscribes, and re-registers its presence on its next heartbeat.
      for (let i = 0; ; i++) {
        sa.send(envelope('media_state', call.room_id, { audio: true, video: i % 2 === 0 }))
        const got = await sb.ofType('media_state', 500).catch(() => undefined)
        if (got) break
        if (i > 20) throw new Error('the room never relayed again after the restart')
      }
      // Both nodes report healthy again once their connections are back.
      for (const t of [a, b]) {
        let status = 0
        for (let i = 0; i < 50 && status !== 200; i++) {
          status = (await t.request('GET', '/health')).status
          if (status !== 200) await sleep(100)
        }
        expect(status).toBe(200)
      }
      // The call survives the deadline: presence came back, so the sweep moves it on.
      await sleep(GRACE_S * 1000 + PRESENCE_TTL_S * 1000)
      const active = await a.request<{ calls: Call[] }>(
        'GET',
        '/api/v1/calls/active',
        undefined,
        alice.token,
      )
      expect(active.body.calls.map((c) => c.status)).toEqual(['in_progress'])
      sa.close()
      sb.close()
    })
  },
)

describe.skipIf(clusterUnavailable !== undefined)('health with Postgres and Redis', async () => {
  if (clusterUnavailable) return
  const postgres = await startPostgres()
  afterAll(() => postgres.stop())
  const redis = await startRedis()
  afterAll(() => redis.stop())
  const TTL_MS = 2000
  const t = await startServer({
    databaseUrl: postgres.url,
    redisUrl: redis.url,
    nodeId: 'h',
    presenceTtlMs: TTL_MS,
  })

  const healthWithin = async (status: number, ms = 10_000): Promise<number> => {
    const deadline = Date.now() + ms
    let got = 0
    while (Date.now() < deadline) {
      got = (await t.request('GET', '/health')).status
      if (got === status) break
      await sleep(100)
    }
    return got
  }

  it('refuses to start a node on this database but another Redis', async () => {
    const otherRedis = await startRedis()
    try {
      await expect(
        startServer({
          databaseUrl: postgres.url,
          redisUrl: otherRedis.url,
          nodeId: 'stray',
          presenceTtlMs: TTL_MS,
        }),
      ).rejects.toThrow(/REDIS_URL is not the Redis of the other nodes on this DATABASE_URL \(h\)/)
    } finally {
      await otherRedis.stop()
    }
    // The same Redis is fine, and the refused node left no trace that would refuse others.
    const second = await startServer({
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      nodeId: 'h2',
      presenceTtlMs: TTL_MS,
    })
    expect((await second.request('GET', '/health')).status).toBe(200)
    await second.server.stop()
  })

  it('answers 503 while Redis is down and 200 once it is back', async () => {
    expect(await healthWithin(200)).toBe(200)
    await redis.down()
    expect(await healthWithin(503)).toBe(503)
    await redis.up()
    expect(await healthWithin(200)).toBe(200)
  })

  it('answers 503 once Postgres is gone', async () => {
    await postgres.stop()
    const health = await t.request<{ error: { code: string; message: string } }>('GET', '/health')
    expect(health.status).toBe(503)
    expect(health.body.error).toMatchObject({ code: 'service_unavailable' })
  })
})
