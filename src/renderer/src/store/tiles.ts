import type { Call, User } from 'veracall-signaling/protocol'
import type { PeerLive } from './slices/call.js'

/** What a remote person's tile says about them (group.state.* in the catalogs). */
export type TileState = 'ringing' | 'waiting' | 'connecting' | 'connected' | 'reconnecting' | 'away'

export interface RemoteTile {
  id: string
  user: User | null
  live: PeerLive | null
  state: TileState
}

/**
 * One tile per other person in the call, in the call's order: those ringing, and those in it
 * (with their connection, once there is one). Someone whose app is already in the room before
 * the server's event about them arrived gets a tile too.
 */
export function remoteTiles(
  call: Call | null,
  peers: Record<string, PeerLive>,
  selfId: string,
): RemoteTile[] {
  const tiles: RemoteTile[] = []
  const seen = new Set<string>([selfId])
  for (const p of call?.participants ?? []) {
    if (seen.has(p.user_id) || (p.status !== 'joined' && p.status !== 'invited')) continue
    seen.add(p.user_id)
    const live = peers[p.user_id] ?? null
    tiles.push({
      id: p.user_id,
      user: p.user ?? null,
      live,
      state: p.status === 'invited' && !live ? 'ringing' : tileState(live),
    })
  }
  for (const [id, live] of Object.entries(peers)) {
    if (seen.has(id)) continue
    tiles.push({ id, user: null, live, state: tileState(live) })
  }
  return tiles
}

function tileState(live: PeerLive | null): TileState {
  if (!live) return 'waiting'
  const cs = live.connectionState
  if (cs === 'connected') return 'connected'
  if (!live.present) return cs === 'new' || cs === 'connecting' ? 'waiting' : 'away'
  if (cs === 'disconnected' || cs === 'failed') return 'reconnecting'
  return 'connecting'
}
