import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { DEFAULTS } from 'veracall-signaling'
import { envelope, LogCapture, startServer, TestSocket } from './helper.js'

const ws = DEFAULTS.ws

// W7: message budget per socket and sockets per user.
describe('WebSocket rate limits and connection caps', async () => {
  // A refill of one message per 100 s: the burst is all a socket gets during a test.
  const t = await startServer({
    ws: { ...ws, messagesPerSecond: 0.01, messageBurst: 3, maxSocketsPerUser: 2 },
  })

  it('answers a burst above the bucket with rate_limited, then closes with 1008', async () => {
    const alice = await t.register()
    const bob = await t.register()
    const call = await t.startCall(alice, bob)
    const a = new TestSocket(`${t.wsUrl}/ws/call/${call.room_id}?token=${alice.token}`)
    await a.opened
    // Within the burst: each message is handled normally (here: an error of its own kind).
    for (let i = 0; i < 3; i++) a.send('not json')
    for (let i = 0; i < 3; i++)
      expect((await a.ofType('error')).data).toMatchObject({ code: 'invalid_json' })
    a.send('not json')
    expect((await a.ofType('error')).data).toMatchObject({ code: 'rate_limited' })
    // Keeping it up is a policy violation.
    for (let i = 0; i < 40; i++) a.send(envelope('join', call.room_id))
    expect(await a.closed).toMatchObject({ code: 1008 })
    const limited = a.messages.filter(
      (m) => (m.data as { code?: string } | undefined)?.code === 'rate_limited',
    )
    expect(limited.length).toBeGreaterThan(0)
  })

  it('refuses the (cap+1)th socket of one user with 4429 and frees the slot on close', async () => {
    const carol = await t.register()
    const first = new TestSocket(`${t.wsUrl}/ws/events?token=${carol.token}`)
    const second = new TestSocket(`${t.wsUrl}/ws/events?token=${carol.token}`)
    await Promise.all([first.opened, second.opened])
    const third = new TestSocket(`${t.wsUrl}/ws/events?token=${carol.token}`)
    expect((await third.closed).code).toBe(4429)
    // Another user is not affected.
    const dave = await t.register()
    const other = new TestSocket(`${t.wsUrl}/ws/events?token=${dave.token}`)
    await other.opened
    // Room sockets count towards the same cap.
    const call = await t.startCall(carol, dave)
    const room = new TestSocket(`${t.wsUrl}/ws/call/${call.room_id}?token=${carol.token}`)
    expect((await room.closed).code).toBe(4429)

    first.close()
    await first.closed
    const again = new TestSocket(`${t.wsUrl}/ws/call/${call.room_id}?token=${carol.token}`)
    await again.opened
    again.send(envelope('join', call.room_id))
    again.send(envelope('leave', call.room_id))
    again.send('not json')
    expect((await again.ofType('error')).data).toMatchObject({ code: 'invalid_json' })
    expect(again.socket.readyState).toBe(WebSocket.OPEN)
    for (const s of [second, other, again]) s.close()
  })
})

// W4: a frame over the limit is the client's fault: counted, and logged quietly, so no client can
// flood the logs with error lines and stack traces.
describe('WebSocket oversized frames', async () => {
  const logs = new LogCapture()
  const t = await startServer({ logLevel: 'debug' }, {}, { logStream: logs })

  it('closes with 1009, counts the frame in a metric and logs it at debug without a stack', async () => {
    const user = await t.register()
    const socket = new TestSocket(`${t.wsUrl}/ws/events?token=${user.token}`)
    await socket.opened
    socket.send('x'.repeat(65 * 1024))
    expect((await socket.closed).code).toBe(1009)
    const metrics = await t.request<string>('GET', '/metrics')
    expect(metrics.body).toContain(
      'veracall_ws_messages_rejected_total{reason="payload_too_large"} 1',
    )
    const lines = logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    const refused = lines.filter((line) => line.msg === 'websocket closed by a client error')
    expect(refused).toHaveLength(1)
    expect(refused[0]).toMatchObject({ level: 20, reason: 'payload_too_large' })
    expect(lines.filter((line) => (line.level as number) >= 50)).toEqual([])
    expect(logs.text).not.toContain('"stack"')
  })
})

// W8: dead peers are dropped by the heartbeat; live ones stay.
describe('WebSocket heartbeat', async () => {
  const t = await startServer({ ws: { ...ws, pingIntervalMs: 100 } })

  it('terminates a client that never answers pings and keeps one that does', async () => {
    const user = await t.register()
    const live = new TestSocket(`${t.wsUrl}/ws/events?token=${user.token}`)
    const dead = new TestSocket(`${t.wsUrl}/ws/events?token=${user.token}`, { autoPong: false })
    await Promise.all([live.opened, dead.opened])
    let pings = 0
    dead.socket.on('ping', () => pings++)
    // terminate() sends no close frame: the client sees an abnormal closure.
    expect((await dead.closed).code).toBe(1006)
    expect(pings).toBeGreaterThanOrEqual(1)
    // The live client has answered the same pings and is still served.
    for (let i = 0; i < 3; i++)
      await new Promise<void>((resolve) => live.socket.once('ping', () => resolve()))
    expect(live.socket.readyState).toBe(WebSocket.OPEN)
    live.send('hello')
    expect((await live.ofType('error')).data).toMatchObject({ code: 'unknown_type' })
    live.close()
  })
})

// F12 (WebSocket part): a graceful stop closes sockets with 1001.
describe('WebSocket shutdown', async () => {
  const t = await startServer()

  it('closes open sockets with 1001 when the server stops', async () => {
    const alice = await t.register()
    const bob = await t.register()
    const call = await t.startCall(alice, bob)
    const events = new TestSocket(`${t.wsUrl}/ws/events?token=${bob.token}`)
    const room = new TestSocket(`${t.wsUrl}/ws/call/${call.room_id}?token=${alice.token}`)
    await Promise.all([events.opened, room.opened])
    room.send(envelope('join', call.room_id))
    await t.server.stop()
    expect((await events.closed).code).toBe(1001)
    expect((await room.closed).code).toBe(1001)
    // Nothing listens any more.
    await expect(fetch(`${t.url}/health`)).rejects.toThrow()
  })
})
