/** Orders one node gives every node through `Fanout.announce`. */
export interface CloseRoomOrder {
  type: 'close_room'
  room_id: string
}

export type Announcement = CloseRoomOrder

/** Undefined for anything this version does not understand (a newer node may send more). */
export function parseAnnouncement(message: string): Announcement | undefined {
  try {
    const value: unknown = JSON.parse(message)
    if (
      typeof value === 'object' &&
      value !== null &&
      (value as { type?: unknown }).type === 'close_room' &&
      typeof (value as { room_id?: unknown }).room_id === 'string'
    )
      return value as CloseRoomOrder
  } catch {
    // not ours
  }
  return undefined
}
