import { join } from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll } from 'vitest'
import type { User } from 'veracall-signaling/protocol'
import { openDatabase } from '../../signaling-server/src/db/open.js'
import { postgresStorage } from '../../signaling-server/src/db/postgres/storage.js'
import { sqliteStorage } from '../../signaling-server/src/db/sqlite-storage.js'
import type { Storage } from '../../signaling-server/src/db/storage.js'
import { PG_BIN, reportSkip, startPostgres, type RunningService } from './backends.js'
import { tempDir, uniqueName } from './helper.js'

/** Time the test moves by hand: storage deadlines read it, nothing sleeps on the wall clock. */
export class FakeClock {
  constructor(public now = Date.parse('2026-01-01T00:00:00.000Z')) {}
  read = (): number => this.now
  advance(ms: number): void {
    this.now += ms
  }
}

export interface StorageBackend {
  name: string
  /** Why this backend does not run here, or undefined when it does. */
  skip: string | undefined
  /** A fresh storage (its own SQLite file; the file's Postgres), on `clock` when given. */
  open(clock?: () => number): Promise<Storage>
}

/**
 * The storage backends a suite file runs on: SQLite always, Postgres when it is installed (one
 * instance for the file, started before its tests and stopped after). Call at file top level.
 */
export function storageBackends(suite: string): StorageBackend[] & {
  /** The file's Postgres, for tests that connect to it directly (after beforeAll). */
  postgresUrl(): string
  postgresSkip: string | undefined
} {
  const pgSkip = PG_BIN ? undefined : 'postgresql is not installed (apt-get install postgresql)'
  reportSkip(`${suite} on postgres`, pgSkip)
  let postgres: RunningService | undefined
  beforeAll(async () => {
    if (!pgSkip) postgres = await startPostgres()
  }, 60_000)
  afterAll(async () => {
    await postgres?.stop()
  })
  const backends: StorageBackend[] = [
    {
      name: 'sqlite',
      skip: undefined,
      open: async (clock) =>
        sqliteStorage(openDatabase(join(tempDir(), `${uniqueName('s')}.db`)), clock),
    },
    {
      name: 'postgres',
      skip: pgSkip,
      open: (clock) => postgresStorage(postgres?.url ?? '', pino({ level: 'silent' }), clock),
    },
  ]
  return Object.assign(backends, { postgresUrl: () => postgres?.url ?? '', postgresSkip: pgSkip })
}

/** `n` new accounts in `storage`, for a test's cast. */
export async function createUsers(storage: Storage, n: number, prefix: string): Promise<User[]> {
  const made: User[] = []
  for (let i = 0; i < n; i++) {
    const user = await storage.users.create(uniqueName(prefix), prefix.toUpperCase(), 'hash')
    if (!user) throw new Error('setup: could not create a user')
    made.push(user)
  }
  return made
}
