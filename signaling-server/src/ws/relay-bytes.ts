import { canonicalDataSpan } from './data-span.js'
import { relayMiddle, relayTypeHead, type ValidMessage } from './parse-message.js'
import type { ClientMessageType } from '../protocol/index.js'

/**
 * The relayed frame as UTF-8 bytes, for the in-memory fan-out: the same bytes as `relayFrame`
 * (W6: the envelope rebuilt with the token's user_id, the validated data, the timestamp), but the
 * data copied from the client's frame when it is already what `JSON.stringify` would write (see
 * data-span.ts), which real clients' frames are. Sent as a Buffer, `ws` writes it without encoding
 * a string again.
 */
export class RelayFramer {
  /** `{"type":…,"call_id":…,"user_id":…,"data":` by message type, built on first use. */
  readonly #heads = new Map<ClientMessageType, Buffer>()

  constructor(
    private readonly callId: string,
    private readonly userId: string,
  ) {}

  /** `frame` is the client's text frame that `message` was parsed and validated from. */
  frame(message: ValidMessage, frame: Buffer, now: number, to?: string): Buffer {
    const head = to === undefined ? this.#head(message.type) : this.#buildHead(message.type, to)
    // String() of a finite number (the schema's and Date.now()'s) is what JSON.stringify writes.
    const tail = `,"timestamp":${String(message.timestamp ?? now)}}`
    const span = canonicalDataSpan(frame, message.data)
    if (!span) return Buffer.concat([head, Buffer.from(`${JSON.stringify(message.data)}${tail}`)])
    const [start, end] = span
    const out = Buffer.allocUnsafe(head.length + (end - start) + tail.length)
    out.set(head, 0)
    out.set(frame.subarray(start, end), head.length)
    out.write(tail, head.length + (end - start), 'latin1') // ASCII: byte for byte
    return out
  }

  #head(type: ClientMessageType): Buffer {
    let head = this.#heads.get(type)
    if (!head) this.#heads.set(type, (head = this.#buildHead(type)))
    return head
  }

  #buildHead(type: ClientMessageType, to?: string): Buffer {
    return Buffer.from(`${relayTypeHead(type)}${relayMiddle(this.callId, this.userId, to)}`)
  }
}
