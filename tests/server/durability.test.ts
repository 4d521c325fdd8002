import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../signaling-server/src/db/open.js'
import { createUsersRepository } from '../../signaling-server/src/db/repositories/users.js'
import { spawnFixture, tempDir } from './helper.js'

// D4: a row acknowledged after its commit survives kill -9 of the writer, and the file stays sound.
describe('SQLite durability', () => {
  const dbPath = join(tempDir(), 'durable.db')

  it('keeps every acknowledged row after SIGKILL mid-stream and passes integrity_check', async () => {
    const writer = spawnFixture('durable-writer.ts', { DB_PATH: dbPath })
    await writer.line(() => writer.lines.length >= 300)
    writer.child.kill('SIGKILL')
    expect((await writer.exited).signal).toBe('SIGKILL')
    const acked = writer.lines as { id: string; username: string }[]

    const db = openDatabase(dbPath)
    try {
      expect(db.raw.pragma('integrity_check', { simple: true })).toBe('ok')
      const users = createUsersRepository(db)
      const missing = acked.filter((a) => users.findById(a.id)?.username !== a.username)
      expect(missing).toEqual([])
      // The writer was killed mid-stream: at most the one row in flight goes beyond the acks.
      const total = db.raw.prepare('SELECT count(*) AS n FROM users').get() as { n: number }
      expect(total.n - acked.length).toBeGreaterThanOrEqual(0)
      expect(total.n - acked.length).toBeLessThanOrEqual(1)
    } finally {
      db.close()
    }
  })
})
