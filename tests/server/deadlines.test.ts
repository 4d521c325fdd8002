import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Storage } from '../../signaling-server/src/db/storage.js'
import { createCallService } from '../../signaling-server/src/services/call-service.js'
import { InMemoryFanout } from '../../signaling-server/src/ws/fanout.js'
import { roomTopic, userTopic } from '../../signaling-server/src/ws/fanout.js'
import type { User } from 'veracall-signaling/protocol'
import { createUsers, FakeClock, storageBackends } from './storage-backends.js'

/**
 * Deadlines as data, ending as a compare-and-set, and busy as an invariant: the storage layer and
 * the call service's sweeper, on SQLite and on Postgres (one suite, two backends). Time is a fake
 * clock the test moves: nothing here sleeps on the wall clock.
 */
const RING_MS = 45_000
const GRACE_MS = 60_000
const silent = pino({ level: 'silent' })

const BACKENDS = storageBackends('deadlines')

/** Records every push the service sends, by user. */
class PushLog extends InMemoryFanout {
  readonly pushes: { topic: string; type: string; callId: number; reason?: string }[] = []
  override async publish(topic: string, message: string, exceptId?: string): Promise<number> {
    const parsed = JSON.parse(message) as {
      type: string
      data: { call: { id: number; end_reason?: string } }
    }
    this.pushes.push({
      topic,
      type: parsed.type,
      callId: parsed.data.call.id,
      ...(parsed.data.call.end_reason && { reason: parsed.data.call.end_reason }),
    })
    return super.publish(topic, message, exceptId)
  }
}

describe.each(BACKENDS)('deadlines and compare-and-set on $name', (backend) => {
  describe.skipIf(backend.skip !== undefined)(backend.name, () => {
    const clock = new FakeClock()
    let storage: Storage
    beforeAll(async () => {
      storage = await backend.open(clock.read)
    })
    afterAll(async () => {
      await storage?.close()
    })

    const users = (n: number): Promise<User[]> => createUsers(storage, n, 'dl')

    const service = (fanout: InMemoryFanout) =>
      createCallService({
        calls: storage.calls,
        users: storage.users,
        fanout,
        ringTimeoutMs: RING_MS,
        emptyRoomTimeoutMs: GRACE_MS,
        // The fake clock drives the sweeps: the periodic one never fires within a test.
        sweepIntervalMs: 3_600_000,
        log: silent,
        clock: clock.read,
      })

    it('busy holds under concurrency: of many calls to one callee at once, one is created', async () => {
      const [callee, ...callers] = await users(9)
      if (!callee) throw new Error('setup')
      const created = await Promise.all(
        callers.map((c) =>
          storage.calls.createIfFree(c.id, callee.id, 'audio', clock.now + RING_MS),
        ),
      )
      expect(created.filter(Boolean)).toHaveLength(1)
      // A caller in a call can't place a second one either, even to someone free.
      const winner = created.find(Boolean)
      const free = callers.find((c) => c.id !== winner?.caller_id)
      if (!winner || !free) throw new Error('setup')
      expect(
        await storage.calls.createIfFree(winner.caller_id, free.id, 'audio', clock.now + RING_MS),
      ).toBeUndefined()
      await storage.calls.markEnded(winner.id, 'cancelled')
    })

    it('ending is a compare-and-set: of five concurrent ends, one wins, and the user is free again', async () => {
      const [a, b, c] = await users(3)
      if (!a || !b || !c) throw new Error('setup')
      const call = await storage.calls.createIfFree(a.id, b.id, 'video', clock.now + RING_MS)
      if (!call) throw new Error('setup')
      const reasons = ['cancelled', 'declined', 'missed', 'cancelled', 'declined'] as const
      const results = await Promise.all(reasons.map((r) => storage.calls.markEnded(call.id, r)))
      const winners = results.filter(Boolean)
      expect(winners).toHaveLength(1)
      const stored = await storage.calls.byId(call.id)
      expect(stored).toMatchObject({ status: 'ended', end_reason: winners[0]?.end_reason })
      const next = await storage.calls.createIfFree(b.id, c.id, 'video', clock.now + RING_MS)
      expect(next).toBeDefined()
      if (next) await storage.calls.markEnded(next.id, 'cancelled')
    })

    it('the claim is atomic: two sweeps racing over many due calls end each exactly once', async () => {
      const people = await users(20)
      const ids: number[] = []
      for (let i = 0; i < people.length; i += 2) {
        const [a, b] = [people[i], people[i + 1]]
        if (!a || !b) throw new Error('setup')
        const call = await storage.calls.createIfFree(a.id, b.id, 'audio', clock.now + 1000 + i)
        if (call) ids.push(call.id)
      }
      expect(await storage.calls.claimMissed(clock.now)).toEqual([])
      const due = clock.now + 5000
      const [first, second] = await Promise.all([
        storage.calls.claimMissed(due),
        storage.calls.claimMissed(due),
      ])
      const claimed = [...(first ?? []), ...(second ?? [])].map((c) => c.id).sort((x, y) => x - y)
      expect(claimed).toEqual(ids)
      for (const call of [...(first ?? []), ...(second ?? [])])
        expect(call).toMatchObject({ status: 'ended', end_reason: 'missed' })
    })

    it('two nodes sweeping one ringing call past its deadline: one missed, one push per user', async () => {
      const [a, b] = await users(2)
      if (!a || !b) throw new Error('setup')
      const fanout = new PushLog()
      const nodeA = service(fanout)
      const nodeB = service(fanout)
      try {
        const call = await nodeA.start(a.id, b.id, 'video')
        clock.advance(RING_MS - 1)
        expect(await Promise.all([nodeA.sweep(), nodeB.sweep()])).toEqual([0, 0])
        clock.advance(1)
        const ended = await Promise.all([nodeA.sweep(), nodeB.sweep(), nodeB.sweep()])
        expect(ended.reduce((x, y) => x + y, 0)).toBe(1)
        const pushes = fanout.pushes.filter((p) => p.callId === call.id && p.type === 'call_ended')
        expect(pushes).toEqual([
          { topic: userTopic(a.id), type: 'call_ended', callId: call.id, reason: 'missed' },
          { topic: userTopic(b.id), type: 'call_ended', callId: call.id, reason: 'missed' },
        ])
        // A user's hang-up that loses the race changes nothing and pushes nothing.
        expect(await nodeB.end(a.id, call.id)).toMatchObject({ end_reason: 'missed' })
        expect(fanout.pushes.filter((p) => p.callId === call.id)).toHaveLength(4)
      } finally {
        await Promise.all([nodeA.close(), nodeB.close()])
      }
    })

    it('an answered call ends as interrupted only once its room has stayed empty past the deadline', async () => {
      const [a, b] = await users(2)
      if (!a || !b) throw new Error('setup')
      const fanout = new PushLog()
      const node = service(fanout)
      try {
        const call = await node.start(a.id, b.id, 'video')
        await node.accept(b.id, call.id)
        // Someone is in the room at the deadline: it moves on instead.
        const inRoom = { id: 's1', userId: a.id, deliver: () => {} }
        await fanout.subscribe(roomTopic(call.room_id), inRoom)
        clock.advance(GRACE_MS)
        expect(await node.sweep()).toBe(0)
        expect((await storage.calls.byId(call.id))?.status).toBe('in_progress')
        // They leave: the grace starts from the departure.
        await fanout.unsubscribe(roomTopic(call.room_id), inRoom)
        await node.roomLeft(call.id)
        clock.advance(GRACE_MS - 1)
        expect(await node.sweep()).toBe(0)
        clock.advance(GRACE_MS)
        expect(await node.sweep()).toBe(1)
        expect(await storage.calls.byId(call.id)).toMatchObject({ end_reason: 'interrupted' })
      } finally {
        await node.close()
      }
    })
  })
})
