import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  WsClient,
  backoffDelay,
  socketUrl,
  type SocketLike,
} from '../../../src/renderer/src/signaling/ws-client.js'

class FakeSocket implements SocketLike {
  readyState = 0
  onopen: ((ev: Event) => void) | null = null
  onmessage: ((ev: MessageEvent) => void) | null = null
  onclose: ((ev: CloseEvent) => void) | null = null
  onerror: ((ev: Event) => void) | null = null
  readonly sent: string[] = []
  closedWith: number | undefined
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open')
    this.sent.push(data)
  }
  close(code?: number): void {
    this.closedWith = code
    this.readyState = 3
  }
  // Test controls.
  open(): void {
    this.readyState = 1
    this.onopen?.({} as Event)
  }
  serverClose(code: number): void {
    this.readyState = 3
    this.onclose?.({ code } as CloseEvent)
  }
  receive(data: string): void {
    this.onmessage?.({ data } as MessageEvent)
  }
}

const JOIN = { type: 'join', call_id: 'room_abcdefgh', data: {} }
const msg = (n: number) => ({
  type: 'media_state',
  call_id: 'room_abcdefgh',
  data: { audio: n % 2 === 0, video: true },
})

function setup(token: string | null = 'jwt.token.value') {
  const sockets: FakeSocket[] = []
  const client = new WsClient({
    url: 'ws://localhost:8000/ws/call/room_abcdefgh',
    getToken: () => token,
    createSocket: (url, protocols) => {
      const s = new FakeSocket(url, protocols)
      sockets.push(s)
      return s
    },
    random: () => 0.5,
    backoff: { initialMs: 100, maxMs: 1000, factor: 2 },
    greeting: () => JOIN,
  })
  const states: string[] = []
  const fatal: number[] = []
  client.on('state', (s) => states.push(s))
  client.on('fatal', (c) => fatal.push(c))
  return { client, sockets, states, fatal }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('WsClient', () => {
  it('authenticates with the bearer subprotocol, never in the URL', () => {
    const { client, sockets } = setup()
    client.connect()
    expect(sockets[0]?.url).toBe('ws://localhost:8000/ws/call/room_abcdefgh')
    expect(sockets[0]?.protocols).toEqual(['veracall.v1', 'bearer.jwt.token.value'])
  })

  it('queues messages until open, then sends the join first and the queue in order', () => {
    const { client, sockets } = setup()
    client.send(msg(1))
    client.connect()
    client.send(msg(2))
    expect(sockets[0]?.sent).toEqual([])
    sockets[0]?.open()
    expect(sockets[0]?.sent.map((s) => JSON.parse(s).type)).toEqual([
      'join',
      'media_state',
      'media_state',
    ])
    client.send(msg(3))
    expect(sockets[0]?.sent).toHaveLength(4)
  })

  it('reconnects with growing, jittered backoff and re-joins the room', () => {
    const { client, sockets, states } = setup()
    client.connect()
    sockets[0]?.open()
    sockets[0]?.serverClose(1006)
    expect(states.at(-1)).toBe('reconnecting')
    // attempt 0: ceiling 100 ms, equal jitter at random()=0.5 → 75 ms.
    vi.advanceTimersByTime(74)
    expect(sockets).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(sockets).toHaveLength(2)
    // Fails before opening: next delay grows (ceiling 200 → 150 ms).
    sockets[1]?.serverClose(1006)
    vi.advanceTimersByTime(149)
    expect(sockets).toHaveLength(2)
    vi.advanceTimersByTime(1)
    expect(sockets).toHaveLength(3)
    client.send(msg(4))
    sockets[2]?.open()
    expect(sockets[2]?.sent.map((s) => JSON.parse(s).type)).toEqual(['join', 'media_state'])
    expect(client.opens).toBe(2)
    expect(states.at(-1)).toBe('open')
    // After a successful open the backoff starts again from the beginning.
    sockets[2]?.serverClose(1001)
    vi.advanceTimersByTime(75)
    expect(sockets).toHaveLength(4)
  })

  it('stops for good on a close that reconnecting cannot fix', () => {
    for (const code of [4401, 4403, 4410, 4000]) {
      const { client, sockets, fatal, states } = setup()
      client.connect()
      sockets[0]?.open()
      sockets[0]?.serverClose(code)
      vi.advanceTimersByTime(60_000)
      expect(sockets).toHaveLength(1)
      expect(fatal).toEqual([code])
      expect(states.at(-1)).toBe('closed')
    }
  })

  it('does not reconnect after close() and drops the queue', () => {
    const { client, sockets } = setup()
    client.connect()
    client.send(msg(1))
    client.close()
    vi.advanceTimersByTime(60_000)
    expect(sockets).toHaveLength(1)
    expect(sockets[0]?.closedWith).toBe(1000)
  })

  it('emits only well-formed envelopes', () => {
    const { client, sockets } = setup()
    const got: string[] = []
    client.on('message', (m) => got.push(m.type))
    client.connect()
    sockets[0]?.open()
    sockets[0]?.receive('not json')
    sockets[0]?.receive(JSON.stringify({ type: 'offer' }))
    sockets[0]?.receive(
      JSON.stringify({ type: 'peer_joined', call_id: 'r', data: { user_id: 'u' }, timestamp: 1 }),
    )
    expect(got).toEqual(['peer_joined'])
  })

  it('refuses to connect without a token', () => {
    const { client, sockets, fatal } = setup(null)
    client.connect()
    expect(sockets).toHaveLength(0)
    expect(fatal).toEqual([4401])
  })
})

describe('backoffDelay', () => {
  it('stays within [ceiling/2, ceiling] and caps at maxMs', () => {
    const b = { initialMs: 500, maxMs: 15_000, factor: 2 }
    expect(backoffDelay(0, b, () => 0)).toBe(250)
    expect(backoffDelay(0, b, () => 1)).toBe(500)
    expect(backoffDelay(3, b, () => 1)).toBe(4000)
    expect(backoffDelay(20, b, () => 1)).toBe(15_000)
    expect(backoffDelay(20, b, () => 0)).toBe(7500)
  })
})

describe('socketUrl', () => {
  it('maps http→ws and https→wss', () => {
    expect(socketUrl('http://localhost:8000', '/ws/events')).toBe('ws://localhost:8000/ws/events')
    expect(socketUrl('https://calls.example.org', '/ws/call/abc')).toBe(
      'wss://calls.example.org/ws/call/abc',
    )
  })
})
