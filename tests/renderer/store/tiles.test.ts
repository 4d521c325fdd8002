import { describe, expect, it } from 'vitest'
import type { Call, User } from 'veracall-signaling/protocol'
import type { PeerLive } from '../../../src/renderer/src/store/slices/call.js'
import { remoteTiles } from '../../../src/renderer/src/store/tiles.js'

const user = (id: string): User => ({ id, username: id, display_name: id.toUpperCase() })
const call: Call = {
  id: 1,
  room_id: 'room_00000001',
  caller_id: 'me',
  callee_id: 'b',
  call_type: 'video',
  status: 'in_progress',
  created_at: '2026-12-01T00:00:00Z',
  participants: [
    { user_id: 'me', role: 'caller', status: 'joined', user: user('me') },
    { user_id: 'b', role: 'callee', status: 'joined', user: user('b') },
    { user_id: 'c', role: 'callee', status: 'invited', user: user('c') },
    { user_id: 'd', role: 'callee', status: 'left', user: user('d') },
  ],
}
const live = (patch: Partial<PeerLive>): PeerLive => ({
  stream: null,
  media: { audio: true, video: true },
  connectionState: 'new',
  present: true,
  ...patch,
})

describe('remote tiles', () => {
  it('one per other person ringing or in the call, in its order, with what each is doing', () => {
    const tiles = remoteTiles(call, { b: live({ connectionState: 'connected' }) }, 'me')
    expect(tiles.map((t) => [t.id, t.state])).toEqual([
      ['b', 'connected'],
      ['c', 'ringing'],
    ])
    expect(tiles[0]?.user?.display_name).toBe('B')
  })

  it('says when a connection is recovering or the person’s app is gone', () => {
    const state = (p: Partial<PeerLive>) => remoteTiles(call, { b: live(p) }, 'me')[0]?.state
    expect(state({ connectionState: 'connecting' })).toBe('connecting')
    expect(state({ connectionState: 'disconnected' })).toBe('reconnecting')
    expect(state({ connectionState: 'failed', present: false })).toBe('away')
    expect(state({ present: false })).toBe('waiting')
    expect(remoteTiles(call, {}, 'me')[0]?.state).toBe('waiting')
  })

  it('shows someone already in the room before the server’s event about them', () => {
    const tiles = remoteTiles(call, { e: live({ connectionState: 'connecting' }) }, 'me')
    expect(tiles.map((t) => t.id)).toEqual(['b', 'c', 'e'])
  })
})
