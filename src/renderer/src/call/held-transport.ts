import type { Envelope } from 'veracall-signaling/protocol'
import type { RoomTransport } from './call-session.js'

/** The room socket's incoming side (WsClient's shape). */
export interface RoomSocket {
  on(event: 'message', listener: (message: Envelope) => void): () => void
}

export interface HeldTransport extends RoomTransport {
  /** Delivers what arrived so far, in order, then passes messages straight in. Idempotent. */
  startReceiving(): void
  /** Sends what the session queued so far, in order, then sends straight out. Idempotent. */
  startSending(): void
}

/**
 * A RoomTransport over a room socket opened before the call can start, held in both directions.
 * The callee joins the room on Accept, while its camera opens, and the caller's held offer and
 * candidates arrive meanwhile: they wait until the session has subscribed and added its tracks
 * (the answer must carry them). The session then answers while the accept request is in
 * flight, but what it sends waits for the server's yes, so the caller hears nothing from a
 * callee whose accept was refused.
 */
export function heldTransport(socket: RoomSocket, send: RoomTransport['send']): HeldTransport {
  let incoming: Envelope[] | null = []
  let outgoing: Parameters<RoomTransport['send']>[] | null = []
  const listeners = new Set<(message: Envelope) => void>()
  const deliver = (message: Envelope): void => {
    for (const listener of listeners) listener(message)
  }
  socket.on('message', (message) => {
    if (incoming) incoming.push(message)
    else deliver(message)
  })
  return {
    send(type, data, to) {
      if (outgoing) outgoing.push([type, data, to] as Parameters<RoomTransport['send']>)
      else send(type, data, to)
    },
    onMessage(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    startReceiving() {
      const pending = incoming ?? []
      incoming = null
      for (const message of pending) deliver(message)
    },
    startSending() {
      const pending = outgoing ?? []
      outgoing = null
      for (const [type, data, to] of pending) send(type, data, to)
    },
  }
}
