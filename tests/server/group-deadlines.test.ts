import { join } from 'node:path'
import pg from 'pg'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Call, User } from 'veracall-signaling/protocol'
import { MIGRATIONS } from '../../signaling-server/src/db/migrations.js'
import { openDatabase } from '../../signaling-server/src/db/open.js'
import { POSTGRES_MIGRATIONS } from '../../signaling-server/src/db/postgres/migrations.js'
import { migratePostgres, PgDb } from '../../signaling-server/src/db/postgres/pool.js'
import { postgresStorage } from '../../signaling-server/src/db/postgres/storage.js'
import { sqliteStorage } from '../../signaling-server/src/db/sqlite-storage.js'
import type { Storage } from '../../signaling-server/src/db/storage.js'
import { createCallService } from '../../signaling-server/src/services/call-service.js'
import { InMemoryFanout, roomTopic, userTopic } from '../../signaling-server/src/ws/fanout.js'
import { tempDir } from './helper.js'
import { createUsers, FakeClock, storageBackends } from './storage-backends.js'

/**
 * Group calls in the storage layer and the call service, on SQLite and on Postgres, with a fake
 * clock: per-participant ring timeouts, per-participant busy, the races (accepts, departures,
 * invitations for the last place) and the upgrade of calls placed before group calls existed.
 */
const RING_MS = 45_000
const GRACE_MS = 60_000
const silent = pino({ level: 'silent' })

/** Records every push the service sends: event type, whom to, about whom. */
class PushLog extends InMemoryFanout {
  readonly pushes: { topic: string; type: string; callId: number; userId: string }[] = []
  override async publish(topic: string, message: string, exceptId?: string): Promise<number> {
    const parsed = JSON.parse(message) as { type: string; user_id: string; data: { call: Call } }
    this.pushes.push({
      topic,
      type: parsed.type,
      callId: parsed.data.call.id,
      userId: parsed.user_id,
    })
    return super.publish(topic, message, exceptId)
  }
  to(callId: number, type: string): string[] {
    return this.pushes
      .filter((p) => p.callId === callId && p.type === type)
      .map((p) => p.topic)
      .sort()
  }
}

const BACKENDS = storageBackends('group deadlines')

const statusesOf = (call: Call | undefined) => call?.participants?.map((p) => p.status)

describe.each(BACKENDS)('group calls in storage and service on $name', (backend) => {
  describe.skipIf(backend.skip !== undefined)(backend.name, () => {
    const clock = new FakeClock(Date.parse('2026-02-01T00:00:00.000Z'))
    let storage: Storage
    beforeAll(async () => {
      storage = await backend.open(clock.read)
    })
    afterAll(async () => {
      await storage?.close()
    })

    const users = (n: number): Promise<User[]> => createUsers(storage, n, 'gd')
    const ids = (list: User[]) => list.map((u) => u.id)

    const service = (fanout: InMemoryFanout) =>
      createCallService({
        calls: storage.calls,
        users: storage.users,
        fanout,
        ringTimeoutMs: RING_MS,
        emptyRoomTimeoutMs: GRACE_MS,
        sweepIntervalMs: 3_600_000,
        log: silent,
        clock: clock.read,
      })

    it('a callee still ringing in an answered call is missed at their own deadline, once', async () => {
      const [a, b, c] = await users(3)
      if (!a || !b || !c) throw new Error('setup')
      const fanout = new PushLog()
      const nodeA = service(fanout)
      const nodeB = service(fanout)
      try {
        const call = await nodeA.start(a.id, [b.id, c.id], 'video')
        clock.advance(1000)
        await nodeA.accept(b.id, call.id)
        clock.advance(RING_MS - 1001)
        expect(await Promise.all([nodeA.sweep(), nodeB.sweep()])).toEqual([0, 0])
        expect(statusesOf(await storage.calls.byId(call.id))).toEqual([
          'joined',
          'joined',
          'invited',
        ])
        clock.advance(1)
        const swept = await Promise.all([nodeA.sweep(), nodeB.sweep(), nodeB.sweep()])
        expect(swept.reduce((x, y) => x + y, 0)).toBe(1)
        const after = await storage.calls.byId(call.id)
        expect(after?.status).toBe('in_progress')
        expect(statusesOf(after)).toEqual(['joined', 'joined', 'missed'])
        // Everyone hears it, once; c's phone stops ringing.
        expect(fanout.to(call.id, 'participant_missed')).toEqual(
          [a, b, c].map((u) => userTopic(u.id)).sort(),
        )
        expect(
          fanout.pushes
            .filter((p) => p.type === 'participant_missed')
            .every((p) => p.userId === c.id),
        ).toBe(true)
        // c is free; a missed accept is refused.
        await expect(nodeA.accept(c.id, call.id)).rejects.toMatchObject({ statusCode: 409 })
        const [d] = await users(1)
        const other = await nodeA.start(c.id, d?.id ?? '', 'audio')
        await nodeA.end(c.id, other.id)
        // Stats: c missed a call the others held.
        await nodeA.end(a.id, call.id)
        expect(await storage.calls.stats(c.id)).toMatchObject({ missed: 1, completed: 0 })
        expect(await storage.calls.stats(b.id)).toMatchObject({ missed: 0, completed: 1 })
      } finally {
        await Promise.all([nodeA.close(), nodeB.close()])
      }
    })

    it('an invitee rings for RING_TIMEOUT from their invitation, not from the call start', async () => {
      const [a, b, c] = await users(3)
      if (!a || !b || !c) throw new Error('setup')
      const fanout = new PushLog()
      const node = service(fanout)
      try {
        const call = await node.start(a.id, b.id, 'video')
        await node.accept(b.id, call.id)
        // Someone stays in the room, so that the empty-room grace does not end the call.
        await fanout.subscribe(roomTopic(call.room_id), {
          id: 's0',
          userId: a.id,
          deliver: () => {},
        })
        clock.advance(RING_MS)
        const invited = await node.invite(a.id, call.id, c.id)
        expect(statusesOf(invited)).toEqual(['joined', 'joined', 'invited'])
        expect(fanout.to(call.id, 'incoming_call')).toEqual(
          [...[a, b].map((u) => userTopic(u.id)), userTopic(c.id)].sort(),
        )
        clock.advance(RING_MS - 1)
        expect(await node.sweep()).toBe(0)
        clock.advance(1)
        expect(await node.sweep()).toBe(1)
        expect(statusesOf(await storage.calls.byId(call.id))).toEqual([
          'joined',
          'joined',
          'missed',
        ])
        // Re-invited after missing it: rings again, in the same place.
        clock.advance(10)
        expect(statusesOf(await node.invite(b.id, call.id, c.id))).toEqual([
          'joined',
          'joined',
          'invited',
        ])
        // The call ending while c rings: c missed it.
        await node.end(a.id, call.id)
        const ended = await storage.calls.byId(call.id)
        expect(ended).toMatchObject({ status: 'ended', end_reason: 'completed' })
        expect(statusesOf(ended)).toEqual(['left', 'left', 'missed'])
        expect(await storage.calls.active(c.id)).toEqual([])
      } finally {
        await node.close()
      }
    })

    it('a ringing group call nobody answers ends as missed for everyone still rung', async () => {
      const [a, b, c, d] = await users(4)
      if (!a || !b || !c || !d) throw new Error('setup')
      const fanout = new PushLog()
      const node = service(fanout)
      try {
        const call = await node.start(a.id, ids([b, c, d]), 'audio')
        await node.decline(c.id, call.id)
        clock.advance(RING_MS)
        expect(await node.sweep()).toBe(1)
        const ended = await storage.calls.byId(call.id)
        expect(ended).toMatchObject({ status: 'ended', end_reason: 'missed' })
        expect(statusesOf(ended)).toEqual(['left', 'missed', 'declined', 'missed'])
        expect(fanout.to(call.id, 'call_ended')).toEqual(
          [a, b, c, d].map((u) => userTopic(u.id)).sort(),
        )
        expect(await storage.calls.stats(a.id)).toMatchObject({ missed: 1 })
        expect(await storage.calls.stats(c.id)).toMatchObject({ declined: 1, missed: 0 })
        expect(await storage.calls.stats(d.id)).toMatchObject({ missed: 1 })
      } finally {
        await node.close()
      }
    })

    it('of callees accepting at once, exactly one moves the call to in_progress', async () => {
      const [a, b, c, d] = await users(4)
      if (!a || !b || !c || !d) throw new Error('setup')
      const call = await storage.calls.createIfFree(
        a.id,
        ids([b, c, d]),
        'video',
        clock.now + RING_MS,
      )
      if (!call) throw new Error('busy')
      const changes = await Promise.all(
        [b, c, d].map((u) => storage.calls.answer(call.id, u.id, clock.now + GRACE_MS)),
      )
      expect(changes.filter((x) => x?.answered)).toHaveLength(1)
      expect(changes.every((x) => x !== undefined)).toBe(true)
      expect(statusesOf(await storage.calls.byId(call.id))).toEqual([
        'joined',
        'joined',
        'joined',
        'joined',
      ])
      // A second answer is no answer.
      expect(await storage.calls.answer(call.id, b.id, clock.now)).toBeUndefined()
      // Of three leaving at once, the call ends exactly once (when fewer than two are left).
      const departures = await Promise.all(
        [a, b, c].map((u) => storage.calls.depart(call.id, u.id, 'left')),
      )
      expect(departures.filter((x) => x?.ended)).toHaveLength(1)
      const ended = await storage.calls.byId(call.id)
      expect(ended).toMatchObject({ status: 'ended', end_reason: 'completed' })
      expect(statusesOf(ended)).toEqual(['left', 'left', 'left', 'left'])
    })

    it('busy is per participant: free once declined or left, and invitations respect it', async () => {
      const [a, b, c, d, e] = await users(5)
      if (!a || !b || !c || !d || !e) throw new Error('setup')
      const call = await storage.calls.createIfFree(a.id, ids([b, c]), 'video', clock.now + RING_MS)
      if (!call) throw new Error('busy')
      // Anyone in it makes a new call with them busy, whatever their place in the list.
      expect(
        await storage.calls.createIfFree(d.id, [e.id, c.id], 'audio', clock.now),
      ).toBeUndefined()
      const ed = await storage.calls.createIfFree(e.id, d.id, 'audio', clock.now + RING_MS)
      expect(ed).toBeDefined()
      await storage.calls.depart(call.id, b.id, 'declined')
      const other = await storage.calls.createIfFree(b.id, a.id, 'audio', clock.now)
      expect(other).toBeUndefined() // a is still in the first call
      const [h] = await users(1)
      const freeB = await storage.calls.createIfFree(b.id, h?.id ?? '', 'audio', clock.now)
      expect(freeB).toBeDefined()
      await storage.calls.answer(call.id, c.id, clock.now + GRACE_MS)
      // d is in a call with e: refused as busy; b is in the call made above: busy too.
      expect(await storage.calls.invite(call.id, a.id, d.id, clock.now + RING_MS)).toEqual({
        refused: 'busy',
      })
      expect(await storage.calls.invite(call.id, c.id, b.id, clock.now + RING_MS)).toEqual({
        refused: 'busy',
      })
      expect(await storage.calls.invite(call.id, b.id, e.id, clock.now + RING_MS)).toEqual({
        refused: 'not_joined',
      })
      if (freeB) await storage.calls.markEnded(freeB.id, 'cancelled')
      const invited = await storage.calls.invite(call.id, c.id, b.id, clock.now + RING_MS)
      expect('call' in invited && statusesOf(invited.call)).toEqual(['joined', 'invited', 'joined'])
      // Of invitations racing for the last place, one wins; the other finds the call full.
      const [f, g] = await users(2)
      if (!f || !g) throw new Error('setup')
      const race = await Promise.all(
        [f, g].map((u) => storage.calls.invite(call.id, a.id, u.id, clock.now + RING_MS)),
      )
      expect(race.filter((r) => 'call' in r)).toHaveLength(1)
      expect(race.filter((r) => 'refused' in r)).toEqual([{ refused: 'full' }])
      expect((await storage.calls.byId(call.id))?.participants).toHaveLength(4)
      await storage.calls.markEnded(call.id, 'completed')
      if (ed) await storage.calls.markEnded(ed.id, 'cancelled')
      // Everyone is free once it ended.
      for (const u of [a, b, c, f, g]) expect(await storage.calls.active(u.id)).toEqual([])
    })

    it('an answered group call ends as interrupted only once its room stays empty', async () => {
      const [a, b, c] = await users(3)
      if (!a || !b || !c) throw new Error('setup')
      const fanout = new PushLog()
      const node = service(fanout)
      try {
        const call = await node.start(a.id, ids([b, c]), 'video')
        await node.accept(b.id, call.id)
        await node.accept(c.id, call.id)
        // One of three stays in the room: the call waits for the others to come back.
        const inRoom = { id: 's1', userId: c.id, deliver: () => {} }
        await fanout.subscribe(roomTopic(call.room_id), inRoom)
        clock.advance(GRACE_MS)
        expect(await node.sweep()).toBe(0)
        await fanout.unsubscribe(roomTopic(call.room_id), inRoom)
        await node.roomLeft(call.id)
        clock.advance(GRACE_MS - 1)
        expect(await node.sweep()).toBe(0)
        clock.advance(1)
        expect(await node.sweep()).toBe(1)
        const ended = await storage.calls.byId(call.id)
        expect(ended).toMatchObject({ status: 'ended', end_reason: 'interrupted' })
        expect(statusesOf(ended)).toEqual(['left', 'left', 'left'])
        expect(fanout.to(call.id, 'call_ended')).toEqual(
          [a, b, c].map((u) => userTopic(u.id)).sort(),
        )
      } finally {
        await node.close()
      }
    })
  })
})

/** Rows as a version-2 database holds them (before participants had roles and statuses). */
const OLD_CALLS = [
  // [status, end_reason, answered]
  ['waiting', null, false],
  ['in_progress', null, true],
  ['ended', 'completed', true],
  ['ended', 'declined', false],
  ['ended', 'missed', false],
  ['ended', 'cancelled', false],
] as const
const EXPECTED_AFTER = [
  ['joined', 'invited'],
  ['joined', 'joined'],
  ['left', 'left'],
  ['left', 'declined'],
  ['left', 'missed'],
  ['left', 'missed'],
]
const EXPECTED_STATS = { total_calls: 6, completed: 1, declined: 1, missed: 1 }

describe('the participants migration keeps calls placed before it', () => {
  it('on SQLite (version 2 → 3)', async () => {
    const path = join(tempDir(), 'upgrade.db')
    const old = openDatabase(
      path,
      MIGRATIONS.filter((m) => m.version <= 2),
    )
    const at = '2026-01-01T00:00:00.000Z'
    for (const id of ['u-caller', 'u-callee'])
      old.raw.prepare('INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)').run(id, id, id, id, 'h', at)
    OLD_CALLS.forEach(([status, reason, answered], i) => {
      const { lastInsertRowid } = old.raw
        .prepare(
          `INSERT INTO calls (room_id, caller_id, callee_id, call_type, status, end_reason, created_at, answered_at, deadline)
           VALUES (?, 'u-caller', 'u-callee', 'audio', ?, ?, ?, ?, 123)`,
        )
        .run(`room-old-${i}`, status, reason, at, answered ? at : null)
      for (const user of ['u-caller', 'u-callee'])
        old.raw
          .prepare('INSERT INTO call_participants (user_id, created_at, call_id) VALUES (?, ?, ?)')
          .run(user, `${at.slice(0, -5)}${String(i).padStart(3, '0')}Z`, lastInsertRowid)
    })
    old.close()
    const storage = sqliteStorage(openDatabase(path))
    const read = await Promise.all(OLD_CALLS.map((_, i) => storage.calls.byRoomId(`room-old-${i}`)))
    expect(read.map(statusesOf)).toEqual(EXPECTED_AFTER)
    expect(read.map((c) => c?.participants?.map((p) => p.role))).toEqual(
      OLD_CALLS.map(() => ['caller', 'callee']),
    )
    expect(await storage.calls.stats('u-callee')).toMatchObject(EXPECTED_STATS)
    expect((await storage.calls.active('u-callee')).map((c) => c.room_id).sort()).toEqual([
      'room-old-0',
      'room-old-1',
    ])
    // The old ringing call still rings out at its deadline, for its callee too.
    expect(
      storage.db.raw
        .prepare(
          "SELECT ring_deadline FROM call_participants WHERE user_id = 'u-callee' AND status = 'invited'",
        )
        .all(),
    ).toEqual([{ ring_deadline: 123 }])
    await storage.close()
  })

  it.skipIf(BACKENDS.postgresSkip !== undefined)('on Postgres (version 3 → 4)', async () => {
    const admin = new pg.Client({ connectionString: BACKENDS.postgresUrl() })
    await admin.connect()
    await admin.query('CREATE DATABASE upgrade_test')
    await admin.end()
    const url = BACKENDS.postgresUrl().replace(/\/postgres$/, '/upgrade_test')
    const db = new PgDb(url)
    try {
      await migratePostgres(
        db,
        POSTGRES_MIGRATIONS.filter((m) => m.version <= 3),
      )
      const at = '2026-01-01T00:00:00.000Z'
      for (const id of ['u-caller', 'u-callee'])
        await db.run({
          text: 'INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)',
          params: [id, id, id, id, 'h', at],
        })
      for (const [i, [status, reason, answered]] of OLD_CALLS.entries()) {
        const row = await db.get<{ id: number }>({
          text: `INSERT INTO calls (room_id, caller_id, callee_id, call_type, status, end_reason, created_at, answered_at, deadline)
                 VALUES (?, 'u-caller', 'u-callee', 'audio', ?, ?, ?, ?, 123) RETURNING id`,
          params: [`room-old-${i}`, status, reason, at, answered ? at : null],
        })
        for (const user of ['u-caller', 'u-callee'])
          await db.run({
            text: 'INSERT INTO call_participants (user_id, created_at, call_id) VALUES (?, ?::timestamptz + make_interval(secs => ?), ?)',
            params: [user, at, i, row?.id ?? 0],
          })
      }
    } finally {
      await db.close()
    }
    const storage = await postgresStorage(url, silent)
    try {
      const read = await Promise.all(
        OLD_CALLS.map(async (_, i) => {
          const byRoom = await storage.calls.byRoomId(`room-old-${i}`)
          return byRoom
        }),
      )
      expect(read.map(statusesOf)).toEqual(EXPECTED_AFTER)
      expect(await storage.calls.stats('u-callee')).toMatchObject(EXPECTED_STATS)
      expect((await storage.calls.active('u-callee')).map((c) => c.room_id).sort()).toEqual([
        'room-old-0',
        'room-old-1',
      ])
    } finally {
      await storage.close()
    }
  })
})
