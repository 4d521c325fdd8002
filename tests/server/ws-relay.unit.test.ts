import { afterEach, describe, expect, it, vi } from 'vitest'
import type { WebSocket } from 'ws'
import { ConnectionCaps } from '../../signaling-server/src/ws/connection-caps.js'
import { closeAtExpiry } from '../../signaling-server/src/ws/expiry.js'
import { InMemoryFanout } from '../../signaling-server/src/ws/fanout.js'
import { PeerSocket, type PeerSocketLimits } from '../../signaling-server/src/ws/peer-socket.js'
import { sendError } from '../../signaling-server/src/ws/send.js'
import { TokenBucket } from '../../signaling-server/src/ws/token-bucket.js'

/** The parts of a `ws` socket that the relay touches, with a settable send queue. */
class FakeSocket {
  readonly CONNECTING = 0
  readonly OPEN = 1
  readonly CLOSING = 2
  readonly CLOSED = 3
  readyState = 1
  bufferedAmount = 0
  readonly sent: string[] = []
  closedWith: { code: number; reason: string } | undefined

  send(message: string): void {
    this.sent.push(message)
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason }
    this.readyState = this.CLOSING
  }

  asWebSocket(): WebSocket {
    return this as unknown as WebSocket
  }
}

const limits: PeerSocketLimits = {
  maxBufferedBytes: 1024,
  messagesPerSecond: 10,
  messageBurst: 5,
}

function peer(userId: string, options: Partial<PeerSocketLimits> = {}) {
  const fake = new FakeSocket()
  const slow = vi.fn()
  const socket = new PeerSocket(fake.asWebSocket(), userId, { ...limits, ...options }, slow)
  return { fake, socket, slow }
}

describe('PeerSocket backpressure (W9)', () => {
  it('closes a reader whose send queue is over the cap with 1013 and sends it nothing', () => {
    const { fake, socket, slow } = peer('slow-user')
    fake.bufferedAmount = limits.maxBufferedBytes + 1
    socket.deliver('hello')
    expect(fake.closedWith).toEqual({ code: 1013, reason: 'slow consumer' })
    expect(fake.sent).toEqual([])
    expect(slow).toHaveBeenCalledOnce()
    // Once closing, further deliveries are dropped without another close.
    socket.deliver('again')
    expect(fake.sent).toEqual([])
    expect(slow).toHaveBeenCalledOnce()
  })

  it('delivers up to the cap', () => {
    const { fake, socket } = peer('ok-user')
    fake.bufferedAmount = limits.maxBufferedBytes
    socket.deliver('at the cap')
    expect(fake.sent).toEqual(['at the cap'])
    expect(fake.closedWith).toBeUndefined()
  })

  it('keeps serving the other subscribers of a topic when one is slow', async () => {
    const fanout = new InMemoryFanout()
    const slow = peer('a')
    const fast = peer('b')
    const third = peer('c')
    for (const p of [slow, fast, third]) await fanout.subscribe('room:x', p.socket)
    slow.fake.bufferedAmount = 10 * limits.maxBufferedBytes
    const delivered = await fanout.publish('room:x', 'offer')
    expect(delivered).toBe(3)
    expect(slow.fake.closedWith?.code).toBe(1013)
    expect(fast.fake.sent).toEqual(['offer'])
    expect(third.fake.sent).toEqual(['offer'])
  })

  it('sends nothing to a socket that is not open', () => {
    const { fake, socket } = peer('closed-user')
    fake.readyState = fake.CLOSED
    socket.deliver('late')
    expect(fake.sent).toEqual([])
    socket.close(1000, 'bye')
    expect(fake.closedWith).toBeUndefined()
  })
})

describe('error replies (W5) go through the same backpressure check (W9)', () => {
  it('sends an error envelope to a reader that keeps up', () => {
    const { fake, socket } = peer('ok-user')
    sendError(socket, 'room-1', 'invalid_input', 'bad frame')
    expect(fake.sent).toHaveLength(1)
    expect(JSON.parse(fake.sent[0] ?? '')).toMatchObject({
      type: 'error',
      call_id: 'room-1',
      user_id: 'ok-user',
      data: { code: 'invalid_input', message: 'bad frame' },
    })
  })

  it('closes a reader over the cap with 1013 instead of queueing more errors for it', () => {
    const { fake, socket, slow } = peer('flooding-reader')
    fake.bufferedAmount = limits.maxBufferedBytes + 1
    sendError(socket, 'room-1', 'invalid_input', 'bad frame')
    expect(fake.sent).toEqual([])
    expect(fake.closedWith).toEqual({ code: 1013, reason: 'slow consumer' })
    expect(slow).toHaveBeenCalledOnce()
  })

  it('cuts an over-long message to the schema limit', () => {
    const { fake, socket } = peer('ok-user')
    sendError(socket, 'room-1', 'invalid_input', 'x'.repeat(60_000))
    const sent = JSON.parse(fake.sent[0] ?? '') as { data: { message: string } }
    expect(sent.data.message.length).toBe(1024)
  })
})

describe('PeerSocket message budget (W7)', () => {
  it('admits the burst, then limits, then asks to close after persistent flooding', () => {
    const { socket } = peer('flooder', { messagesPerSecond: 0.001, messageBurst: 3 })
    const answers = Array.from({ length: 3 + 21 }, () => socket.admit())
    expect(answers.slice(0, 3)).toEqual(['ok', 'ok', 'ok'])
    expect(answers.slice(3, 23)).toEqual(Array(20).fill('limited'))
    expect(answers[23]).toBe('close')
  })
})

describe('TokenBucket', () => {
  it('refills at its rate up to its burst', () => {
    let now = 0
    const bucket = new TokenBucket(2, 4, () => now)
    expect([1, 2, 3, 4, 5].map(() => bucket.take())).toEqual([true, true, true, true, false])
    now += 500 // one token at 2 per second
    expect(bucket.take()).toBe(true)
    expect(bucket.take()).toBe(false)
    now += 60_000 // a long pause saves up no more than the burst
    expect(Array.from({ length: 6 }, () => bucket.take())).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
    ])
  })
})

describe('InMemoryFanout', () => {
  it('reports who is already present, skips the sender and forgets empty topics', async () => {
    const fanout = new InMemoryFanout()
    const a = peer('alice')
    const b = peer('bob')
    expect(await fanout.subscribe('room:r', a.socket)).toEqual([])
    expect(await fanout.subscribe('room:r', b.socket)).toEqual(['alice'])
    // Subscribing twice neither duplicates nor reports the subscriber to itself.
    expect(await fanout.subscribe('room:r', b.socket)).toEqual(['alice'])
    expect(await fanout.publish('room:r', 'm1', a.socket.id)).toBe(1)
    expect(a.fake.sent).toEqual([])
    expect(b.fake.sent).toEqual(['m1'])
    expect(fanout.stats('room:')).toEqual({ topics: 1, subscribers: 2 })
    expect(fanout.stats('user:')).toEqual({ topics: 0, subscribers: 0 })
    expect(await fanout.members('room:r')).toEqual(['alice', 'bob'])
    await fanout.unsubscribe('room:r', a.socket)
    await fanout.unsubscribe('room:r', b.socket)
    expect(fanout.stats('room:')).toEqual({ topics: 0, subscribers: 0 })
    expect(await fanout.publish('room:r', 'nobody')).toBe(0)
    expect(fanout.localSubscribers('room:r')).toEqual([])
    expect(await fanout.members('room:r')).toEqual([])
  })
})

describe('ConnectionCaps', () => {
  it('counts sockets per user and frees a slot on release', () => {
    const caps = new ConnectionCaps(2)
    expect([caps.tryAcquire('u'), caps.tryAcquire('u'), caps.tryAcquire('u')]).toEqual([
      true,
      true,
      false,
    ])
    expect(caps.tryAcquire('v')).toBe(true)
    caps.release('u')
    expect(caps.tryAcquire('u')).toBe(true)
    expect(caps.tryAcquire('u')).toBe(false)
  })
})

describe('closeAtExpiry (W12, fake clock)', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('closes with 4401 exactly when the token expires, and not if cancelled', () => {
    vi.useFakeTimers({ now: 1_000_000 })
    const expiring = new FakeSocket()
    closeAtExpiry(expiring.asWebSocket(), 1_000 + 30)
    vi.advanceTimersByTime(29_999)
    expect(expiring.closedWith).toBeUndefined()
    vi.advanceTimersByTime(1)
    expect(expiring.closedWith).toEqual({ code: 4401, reason: 'token expired' })

    const cancelled = new FakeSocket()
    const cancel = closeAtExpiry(cancelled.asWebSocket(), 1_030 + 30)
    cancel()
    vi.advanceTimersByTime(60_000)
    expect(cancelled.closedWith).toBeUndefined()
  })

  it('closes at once for a token already expired, and re-arms past the timer limit', () => {
    vi.useFakeTimers({ now: 5_000_000 })
    const late = new FakeSocket()
    closeAtExpiry(late.asWebSocket(), 4_000)
    expect(late.closedWith?.code).toBe(4401)

    // A year-long token: longer than setTimeout can wait in one go.
    const longLived = new FakeSocket()
    closeAtExpiry(longLived.asWebSocket(), 5_000 + 365 * 24 * 3600)
    vi.advanceTimersByTime(2 ** 31)
    expect(longLived.closedWith).toBeUndefined()
    vi.advanceTimersByTime(365 * 24 * 3600 * 1000 - 2 ** 31)
    expect(longLived.closedWith?.code).toBe(4401)
  })
})
