import type { FastifyBaseLogger } from 'fastify'
import { systemClock, type Clock } from '../../clock.js'
import type { Storage } from '../storage.js'
import { createPgCallsStore } from './calls.js'
import { POSTGRES_MIGRATIONS } from './migrations.js'
import { migratePostgres, PgDb } from './pool.js'
import { createPgUsersStore } from './users.js'

/** Postgres behind the Storage interface: what several nodes share. Migrates on open. */
export async function postgresStorage(
  url: string,
  log?: FastifyBaseLogger,
  now: Clock = systemClock,
): Promise<Storage> {
  const db = new PgDb(url, (error) => log?.warn({ err: error }, 'idle Postgres connection lost'))
  try {
    await migratePostgres(db, POSTGRES_MIGRATIONS)
  } catch (error) {
    await db.close()
    throw error
  }
  return {
    backend: 'postgres',
    singleNode: false,
    users: createPgUsersStore(db),
    calls: createPgCallsStore(db, now),
    async ping() {
      try {
        return (await db.get<{ ok: number }>({ text: 'SELECT 1 AS ok', params: [] }))?.ok === 1
      } catch {
        return false
      }
    },
    close: () => db.close(),
  }
}
