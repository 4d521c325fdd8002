import { describe, expect, it } from 'vitest'
import type { Call } from 'veracall-signaling/protocol'
import {
  isGroupCall,
  isInvitee,
  isPoliteTowards,
} from '../../../src/renderer/src/call/mesh-roles.js'
import { overallConnectionState } from '../../../src/renderer/src/call/mesh-state.js'

const A = '00000000-0000-4000-8000-00000000000a'
const B = '00000000-0000-4000-8000-00000000000b'
const C = '00000000-0000-4000-8000-00000000000c'
const D = '00000000-0000-4000-8000-00000000000d'

const call = (people: [string, 'invited' | 'joined' | 'left'][]): Call => ({
  id: 1,
  room_id: 'room_00000001',
  caller_id: people[0]?.[0] ?? A,
  callee_id: people[1]?.[0] ?? B,
  call_type: 'video',
  status: 'in_progress',
  created_at: '2026-12-01T00:00:00Z',
  participants: people.map(([user_id, status], i) => ({
    user_id,
    status,
    role: i === 0 ? 'caller' : 'callee',
  })),
})

describe('who offers in a full mesh', () => {
  it('gives every pair exactly one polite side, agreed on by both', () => {
    // D is the caller: the pair rule must not depend on the ids' order alone.
    const c = call([
      [D, 'joined'],
      [B, 'joined'],
      [A, 'joined'],
      [C, 'joined'],
    ])
    for (const x of [A, B, C, D]) {
      for (const y of [A, B, C, D]) {
        if (x === y) continue
        expect(isPoliteTowards(c, x, y)).toBe(!isPoliteTowards(c, y, x))
      }
    }
    // The caller offers to everyone, as in a 1:1 call; then the larger id offers.
    expect([A, B, C].map((id) => isPoliteTowards(c, D, id))).toEqual([false, false, false])
    expect(isPoliteTowards(c, A, D)).toBe(true)
    expect(isPoliteTowards(c, A, B)).toBe(true)
    expect(isPoliteTowards(c, C, B)).toBe(false)
  })

  it('tells group calls and invitees apart from 1:1 calls', () => {
    expect(
      isGroupCall(
        call([
          [A, 'joined'],
          [B, 'invited'],
        ]),
      ),
    ).toBe(false)
    expect(
      isGroupCall(
        call([
          [A, 'joined'],
          [B, 'joined'],
          [C, 'invited'],
        ]),
      ),
    ).toBe(true)
    expect(isGroupCall(null)).toBe(false)
    const group = call([
      [A, 'joined'],
      [B, 'joined'],
      [C, 'invited'],
    ])
    expect(isInvitee(group, C)).toBe(true)
    expect(isInvitee(group, B)).toBe(false)
    // An older server's call has no list: the callee is the one rung.
    expect(isInvitee({ ...group, participants: undefined, callee_id: B }, B)).toBe(true)
  })

  it('a call is as connected as its best connection', () => {
    expect(overallConnectionState([])).toBe('new')
    expect(overallConnectionState(['failed', 'connected', 'connecting'])).toBe('connected')
    expect(overallConnectionState(['disconnected', 'connecting'])).toBe('connecting')
    expect(overallConnectionState(['failed'])).toBe('failed')
  })
})
