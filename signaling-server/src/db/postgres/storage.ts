import type { FastifyBaseLogger } from 'fastify'
import { systemClock, type Clock } from '../../clock.js'
import { sql } from '../sql.js'
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
    cluster: {
      async beat(nodeId, redisId, at) {
        await db.run(sql`
          INSERT INTO cluster_nodes (node_id, redis_id, seen_at) VALUES (${nodeId}, ${redisId}, ${at})
          ON CONFLICT (node_id) DO UPDATE SET redis_id = excluded.redis_id, seen_at = excluded.seen_at`)
      },
      others: (nodeId, since) =>
        db.all<{ node_id: string; redis_id: string }>(sql`
          SELECT node_id, redis_id FROM cluster_nodes WHERE node_id <> ${nodeId} AND seen_at >= ${since}`),
      async leave(nodeId) {
        await db.run(sql`DELETE FROM cluster_nodes WHERE node_id = ${nodeId}`)
      },
    },
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
