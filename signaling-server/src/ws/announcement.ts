/** Orders one node gives every node through `Fanout.announce`. */
export interface CloseRoomOrder {
  type: 'close_room'
  room_id: string
}

/** One participant left a call that goes on: their sockets in its room close, on every node. */
export interface CloseUserOrder {
  type: 'close_user'
  room_id: string
  user_id: string
}

export type Announcement = CloseRoomOrder | CloseUserOrder

const isString = (value: unknown): value is string => typeof value === 'string'

/** Undefined for anything this version does not understand (a newer node may send more). */
export function parseAnnouncement(message: string): Announcement | undefined {
  try {
    const value: unknown = JSON.parse(message)
    if (typeof value !== 'object' || value === null) return undefined
    const order = value as Record<string, unknown>
    if (!isString(order.room_id)) return undefined
    if (order.type === 'close_room') return { type: 'close_room', room_id: order.room_id }
    if (order.type === 'close_user' && isString(order.user_id))
      return { type: 'close_user', room_id: order.room_id, user_id: order.user_id }
  } catch {
    // not ours
  }
  return undefined
}
