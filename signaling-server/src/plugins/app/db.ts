import fp from 'fastify-plugin'
import { openDatabase, type Db } from '../../db/open.js'
import { postgresStorage } from '../../db/postgres/storage.js'
import { sqliteStorage } from '../../db/sqlite-storage.js'
import type { CallsStore, Storage, UsersStore } from '../../db/storage.js'

declare module 'fastify' {
  interface FastifyInstance {
    storage: Storage
    /** The SQLite handle when SQLite is the backend (the default); undefined on Postgres. */
    db: Db | undefined
    users: UsersStore
    calls: CallsStore
  }
}

/** Postgres when DATABASE_URL is set (several nodes share it), else SQLite at DB_PATH. */
export default fp<{ dbPath: string; databaseUrl: string | undefined }>(
  async (fastify, { dbPath, databaseUrl }) => {
    let storage: Storage
    let db: Db | undefined
    if (databaseUrl) {
      storage = await postgresStorage(databaseUrl, fastify.log)
    } else {
      const sqlite = sqliteStorage(openDatabase(dbPath))
      storage = sqlite
      db = sqlite.db
    }
    fastify.decorate('storage', storage)
    fastify.decorate('db', db)
    fastify.decorate('users', storage.users)
    fastify.decorate('calls', storage.calls)
    fastify.addHook('onClose', async () => storage.close())
  },
  { name: 'db' },
)
