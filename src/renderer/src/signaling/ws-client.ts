import Value from 'typebox/value'
import {
  BEARER_SUBPROTOCOL_PREFIX,
  CloseCode,
  Envelope,
  WS_SUBPROTOCOL,
} from 'veracall-signaling/protocol'

/** The part of the browser WebSocket this client uses, so tests can drive a fake. */
export interface SocketLike {
  readonly readyState: number
  onopen: ((ev: Event) => void) | null
  onmessage: ((ev: MessageEvent) => void) | null
  onclose: ((ev: CloseEvent) => void) | null
  onerror: ((ev: Event) => void) | null
  send(data: string): void
  close(code?: number, reason?: string): void
}
export type SocketFactory = (url: string, protocols: string[]) => SocketLike

export type WsState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'

export interface Backoff {
  initialMs: number
  maxMs: number
  factor: number
}
export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 15_000, factor: 2 }

/** Delay before reconnect attempt `attempt` (0-based): exponential, capped, "equal jitter". */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** attempt)
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

/** Close codes after which reconnecting cannot help (bad token, not allowed, call over, replaced). */
const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.normal,
  CloseCode.replaced,
  CloseCode.unauthorized,
  CloseCode.forbidden,
  CloseCode.notFound,
  CloseCode.callEnded,
])

export interface WsClientOptions {
  /** Absolute ws(s) URL of the socket, without credentials. */
  url: string
  getToken: () => string | null
  createSocket?: SocketFactory
  backoff?: Backoff
  random?: () => number
  /** Sent first on every (re)connection, before the queue: e.g. the room `join`. */
  greeting?: () => Envelope | null
  maxQueue?: number
}

type Listener<T> = (value: T) => void
interface Events {
  message: Envelope
  state: WsState
  /** The server closed the socket for good (code from `CloseCode`). */
  fatal: number
}

/**
 * A signaling socket that authenticates with the bearer subprotocol (the token never lands in a
 * URL or a log), queues messages until it is open, and reconnects with backoff and jitter.
 */
export class WsClient {
  private socket: SocketLike | null = null
  private queue: string[] = []
  private attempt = 0
  private timer: ReturnType<typeof setTimeout> | null = null
  private stopped = false
  private listeners: { [K in keyof Events]: Set<Listener<Events[K]>> } = {
    message: new Set(),
    state: new Set(),
    fatal: new Set(),
  }
  state: WsState = 'idle'
  /** Number of times the socket has opened; > 1 means it reconnected. */
  opens = 0

  constructor(private readonly options: WsClientOptions) {}

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    this.listeners[event].add(listener)
    return () => this.listeners[event].delete(listener)
  }

  connect(): void {
    this.stopped = false
    if (this.socket) return
    this.open()
  }

  /** Sends now when open, else queues (oldest dropped past `maxQueue`). */
  send(message: Envelope): void {
    const data = JSON.stringify(message)
    if (this.socket && this.socket.readyState === 1 && this.state === 'open') {
      this.socket.send(data)
      return
    }
    this.queue.push(data)
    const max = this.options.maxQueue ?? 200
    if (this.queue.length > max) this.queue.splice(0, this.queue.length - max)
  }

  /** Closes for good; no reconnect. */
  close(code: number = CloseCode.normal): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const socket = this.socket
    this.socket = null
    this.queue = []
    if (socket) {
      socket.onclose = null
      socket.onmessage = null
      socket.onerror = null
      socket.onopen = null
      socket.close(code)
    }
    this.setState('closed')
  }

  /** Drops the transport as a network failure would (used by fault tests): it reconnects. */
  drop(): void {
    this.socket?.close(4999, 'dropped')
  }

  private open(): void {
    const token = this.options.getToken()
    if (!token) {
      this.emit('fatal', CloseCode.unauthorized)
      this.close()
      return
    }
    this.setState(this.opens === 0 ? 'connecting' : 'reconnecting')
    const create =
      this.options.createSocket ?? ((url, protocols) => new WebSocket(url, protocols) as SocketLike)
    const socket = create(this.options.url, [
      WS_SUBPROTOCOL,
      `${BEARER_SUBPROTOCOL_PREFIX}${token}`,
    ])
    this.socket = socket
    socket.onopen = () => {
      this.attempt = 0
      this.opens += 1
      this.setState('open')
      const greeting = this.options.greeting?.()
      if (greeting) socket.send(JSON.stringify(greeting))
      const pending = this.queue
      this.queue = []
      for (const data of pending) socket.send(data)
    }
    socket.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return
      let parsed: unknown
      try {
        parsed = JSON.parse(ev.data)
      } catch {
        return
      }
      if (Value.Check(Envelope, parsed)) this.emit('message', parsed)
    }
    socket.onerror = () => {
      // A close event always follows; reconnect is decided there.
    }
    socket.onclose = (ev) => {
      this.socket = null
      if (this.stopped) return
      if (FATAL_CLOSE_CODES.has(ev.code)) {
        this.stopped = true
        this.setState('closed')
        this.emit('fatal', ev.code)
        return
      }
      this.scheduleReconnect()
    }
  }

  private scheduleReconnect(): void {
    this.setState('reconnecting')
    const delay = backoffDelay(
      this.attempt,
      this.options.backoff ?? DEFAULT_BACKOFF,
      this.options.random ?? Math.random,
    )
    this.attempt += 1
    this.timer = setTimeout(() => {
      this.timer = null
      if (!this.stopped) this.open()
    }, delay)
  }

  private setState(state: WsState): void {
    if (this.state === state) return
    this.state = state
    this.emit('state', state)
  }

  private emit<K extends keyof Events>(event: K, value: Events[K]): void {
    for (const listener of this.listeners[event]) listener(value)
  }
}

/** ws(s):// URL for a REST base URL and a socket path. */
export function socketUrl(baseUrl: string, path: string): string {
  const url = new URL(path, baseUrl)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  return url.toString()
}
