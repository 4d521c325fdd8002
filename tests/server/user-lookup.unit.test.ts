import { describe, expect, it } from 'vitest'
import { cachedUserLookup } from '../../signaling-server/src/auth/user-lookup.js'
import type { User } from 'veracall-signaling/protocol'

const alice: User = { id: 'a1', username: 'alice', display_name: 'Alice' }

function harness(ttlS = 30, capacity = 10) {
  let nowMs = 1_000_000
  const rows = new Map<string, User>([[alice.id, alice]])
  const reads: string[] = []
  const lookup = cachedUserLookup(
    async (id) => {
      reads.push(id)
      return rows.get(id)
    },
    { now: () => nowMs, ttlS, capacity },
  )
  return { lookup, reads, rows, advance: (ms: number) => (nowMs += ms) }
}

describe('the authenticated user lookup', () => {
  it('reads an account once and serves the next requests from memory', async () => {
    const h = harness()
    expect(await h.lookup('a1')).toEqual(alice)
    expect(await h.lookup('a1')).toEqual(alice)
    h.advance(29_000)
    expect(await h.lookup('a1')).toEqual(alice)
    expect(h.reads).toEqual(['a1'])
  })

  it('reads again after the bound, so an account removed from the database stops working', async () => {
    const h = harness()
    await h.lookup('a1')
    h.rows.delete('a1')
    h.advance(30_000)
    expect(await h.lookup('a1')).toBeUndefined()
    expect(h.reads).toEqual(['a1', 'a1'])
  })

  it('never remembers a missing account, so one created later is found at once', async () => {
    const h = harness()
    expect(await h.lookup('b2')).toBeUndefined()
    h.rows.set('b2', { id: 'b2', username: 'bob', display_name: 'Bob' })
    expect((await h.lookup('b2'))?.username).toBe('bob')
    expect(h.reads).toEqual(['b2', 'b2'])
  })

  it('holds at most its capacity, dropping the least recently used', async () => {
    const h = harness(30, 2)
    for (const id of ['x', 'y', 'z']) h.rows.set(id, { id, username: id, display_name: id })
    await h.lookup('x')
    await h.lookup('y')
    await h.lookup('x')
    await h.lookup('z') // evicts y
    await h.lookup('x')
    await h.lookup('y')
    expect(h.reads).toEqual(['x', 'y', 'z', 'y'])
  })
})
