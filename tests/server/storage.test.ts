import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POSTGRES_MIGRATIONS } from '../../signaling-server/src/db/postgres/migrations.js'
import { migratePostgres, PgDb } from '../../signaling-server/src/db/postgres/pool.js'
import type { Storage } from '../../signaling-server/src/db/storage.js'
import { uniqueName } from './helper.js'
import { storageBackends } from './storage-backends.js'

/** The repositories behind the Storage interface: one suite, run on SQLite and on Postgres. */
const BACKENDS = storageBackends('storage')

describe.each(BACKENDS)('storage on $name', ({ name, skip, open }) => {
  describe.skipIf(skip !== undefined)(name, () => {
    let storage: Storage
    beforeAll(async () => {
      storage = await open()
    })
    afterAll(async () => {
      await storage?.close()
    })

    it('answers ping and names its backend', async () => {
      expect(await storage.ping()).toBe(true)
      expect(storage.backend).toBe(name)
      expect(storage.singleNode).toBe(name === 'sqlite')
    })

    it('keeps usernames unique regardless of case and finds users by name, id and search', async () => {
      const base = uniqueName('Case')
      const user = await storage.users.create(base, 'Ann 100%_sure', 'hash')
      expect(user).toMatchObject({ username: base, display_name: 'Ann 100%_sure' })
      expect(await storage.users.create(base.toUpperCase(), 'x', 'h')).toBeUndefined()
      expect(await storage.users.findByUsername(base.toLowerCase())).toEqual({
        user,
        passwordHash: 'hash',
      })
      expect(await storage.users.findById(user?.id ?? '')).toEqual(user)
      expect(await storage.users.findById('nobody')).toBeUndefined()
      const other = await storage.users.create(uniqueName('other'), 'Bo', 'h')
      // LIKE wildcards in the query are literal characters.
      expect(await storage.users.search('100%_', other?.id ?? '', 10)).toEqual([user])
      expect(await storage.users.search('100%x', other?.id ?? '', 10)).toEqual([])
      expect(await storage.users.search(base, user?.id ?? '', 10)).toEqual([])
    })

    it('reads back calls, history pages and stats the same way', async () => {
      const [a, b] = await Promise.all([
        storage.users.create(uniqueName('ha'), 'A', 'h'),
        storage.users.create(uniqueName('hb'), 'B', 'h'),
      ])
      if (!a || !b) throw new Error('setup')
      const ids: number[] = []
      for (const reason of ['completed', 'missed', 'declined'] as const) {
        const call = await storage.calls.createIfFree(a.id, b.id, 'audio', Date.now() + 60_000)
        if (!call) throw new Error('busy')
        expect(await storage.calls.byRoomId(call.room_id)).toEqual(call)
        expect(await storage.calls.active(b.id)).toEqual([call])
        if (reason === 'completed') await storage.calls.markAnswered(call.id, Date.now() + 60_000)
        const ended = await storage.calls.markEnded(call.id, reason)
        expect(ended).toMatchObject({ status: 'ended', end_reason: reason })
        expect(ended?.ended_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
        if (reason === 'completed') expect(ended?.duration_s).toBe(0)
        else expect(ended?.duration_s).toBeUndefined()
        ids.push(call.id)
      }
      const page1 = await storage.calls.history(a.id, 1, 2)
      const page2 = await storage.calls.history(a.id, 2, 2)
      expect([...page1, ...page2].map((c) => c.id)).toEqual([...ids].reverse())
      expect(page1[0]?.caller).toEqual(a)
      expect(await storage.calls.stats(b.id)).toEqual({
        total_calls: 3,
        completed: 1,
        missed: 1,
        declined: 1,
        total_duration_s: 0,
        avg_duration_s: 0,
      })
      expect(await storage.calls.active(a.id)).toEqual([])
      const counts = await storage.calls.countByStatus()
      expect(counts.ended).toBeGreaterThanOrEqual(3)
    })
  })
})

describe.skipIf(BACKENDS.postgresSkip !== undefined)('postgres migrations', () => {
  it('run once when several nodes start together', async () => {
    const dbs = [1, 2, 3].map(() => new PgDb(BACKENDS.postgresUrl()))
    try {
      const versions = await Promise.all(dbs.map((db) => migratePostgres(db, POSTGRES_MIGRATIONS)))
      const latest = Math.max(...POSTGRES_MIGRATIONS.map((m) => m.version))
      expect(versions).toEqual([latest, latest, latest])
      const rows = await dbs[0]?.all<{ version: number }>({
        text: 'SELECT version FROM schema_migrations ORDER BY version',
        params: [],
      })
      expect(rows?.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version))
    } finally {
      await Promise.all(dbs.map((db) => db.close()))
    }
  })
})
