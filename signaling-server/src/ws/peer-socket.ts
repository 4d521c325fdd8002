import { randomUUID } from 'node:crypto'
import type { WebSocket } from 'ws'
import { CloseCode } from '../protocol/index.js'
import type { Subscriber } from './fanout.js'
import { TokenBucket } from './token-bucket.js'

export interface PeerSocketLimits {
  maxBufferedBytes: number
  messagesPerSecond: number
  messageBurst: number
}

const TEXT_FRAME = { binary: false } as const

/** Violations of the message budget tolerated before the socket is closed with 1008. */
const MAX_RATE_VIOLATIONS = 20

/**
 * One authenticated socket as the fanout sees it. Delivery never buffers without bound: a reader
 * that falls more than `maxBufferedBytes` behind is disconnected (W9) instead of growing memory.
 */
export class PeerSocket implements Subscriber {
  readonly id = randomUUID()
  readonly #bucket: TokenBucket
  #rateViolations = 0

  constructor(
    readonly socket: WebSocket,
    readonly userId: string,
    private readonly limits: PeerSocketLimits,
    private readonly onSlowConsumer: () => void = () => {},
  ) {
    this.#bucket = new TokenBucket(limits.messagesPerSecond, limits.messageBurst)
  }

  deliver(message: string | Buffer): void {
    if (this.socket.readyState !== this.socket.OPEN) return
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.onSlowConsumer()
      this.socket.close(CloseCode.tryAgainLater, 'slow consumer')
      return
    }
    // A Buffer would go out as a binary frame by default: every message is JSON text.
    this.socket.send(message, TEXT_FRAME)
  }

  /** 'ok', 'limited' (drop this message), or 'close' (persistent flooding). */
  admit(): 'ok' | 'limited' | 'close' {
    if (this.#bucket.take()) return 'ok'
    this.#rateViolations++
    return this.#rateViolations > MAX_RATE_VIOLATIONS ? 'close' : 'limited'
  }

  close(code: number, reason: string): void {
    if (
      this.socket.readyState === this.socket.OPEN ||
      this.socket.readyState === this.socket.CONNECTING
    ) {
      this.socket.close(code, reason)
    }
  }
}
