import type { Envelope } from 'veracall-signaling/protocol'
import type { RoomTransport } from './call-session.js'

/** A RoomTransport whose room is bound later. */
export interface LateTransport extends RoomTransport {
  /** The room exists: what was queued goes out, and its messages come in from now on. */
  bind(room: RoomTransport): void
}

/**
 * The transport of a session made before its call exists (the caller's, whose connection makes
 * its offer while the camera opens and calls/start is in flight). The session holds what it sends
 * until the callee joins, which only the bound room can tell it, so the queue is a safety net.
 */
export function lateTransport(): LateTransport {
  let room: RoomTransport | null = null
  const queued: Parameters<RoomTransport['send']>[] = []
  const listeners = new Set<(message: Envelope) => void>()
  return {
    send(type, data, to) {
      if (room) room.send(type, data, to)
      else queued.push([type, data, to] as Parameters<RoomTransport['send']>)
    },
    onMessage(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    bind(target) {
      if (room) return
      room = target
      target.onMessage((message) => {
        for (const listener of listeners) listener(message)
      })
      for (const [type, data, to] of queued.splice(0)) target.send(type, data, to)
    },
  }
}
