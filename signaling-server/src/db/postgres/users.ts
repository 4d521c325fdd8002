import { randomUUID } from 'node:crypto'
import type { User } from '../../protocol/index.js'
import { escapeLike, toUser, usernameKey } from '../repositories/users.js'
import { sql } from '../sql.js'
import type { UsersStore, UserWithHash } from '../storage.js'
import type { PgDb } from './pool.js'

interface UserRow extends Record<string, unknown> {
  id: string
  username: string
  display_name: string
  password_hash: string
}

/** Users in Postgres: the same rules as the SQLite repository (case-insensitive unique names). */
export function createPgUsersStore(db: PgDb): UsersStore {
  return {
    async create(username, displayName, passwordHash): Promise<User | undefined> {
      const id = randomUUID()
      const inserted = await db.run(sql`
        INSERT INTO users (id, username, username_key, display_name, password_hash, created_at)
        VALUES (${id}, ${username}, ${usernameKey(username)}, ${displayName}, ${passwordHash}, ${new Date().toISOString()})
        ON CONFLICT (username_key) DO NOTHING`)
      return inserted === 1 ? { id, username, display_name: displayName } : undefined
    },

    async findByUsername(username): Promise<UserWithHash | undefined> {
      const row = await db.get<UserRow>(
        sql`SELECT * FROM users WHERE username_key = ${usernameKey(username)}`,
      )
      return row && { user: toUser(row), passwordHash: row.password_hash }
    },

    async findById(id): Promise<User | undefined> {
      const row = await db.get<UserRow>(
        sql`SELECT id, username, display_name FROM users WHERE id = ${id}`,
      )
      return row && toUser(row)
    },

    async search(query, excludeId, limit): Promise<User[]> {
      const pattern = `%${escapeLike(query.normalize('NFKC').toLowerCase())}%`
      const rows = await db.all<UserRow>(sql`
        SELECT id, username, display_name FROM users
        WHERE id <> ${excludeId}
          AND (username_key LIKE ${pattern} ESCAPE '\\' OR lower(display_name) LIKE ${pattern} ESCAPE '\\')
        ORDER BY username_key COLLATE "C"
        LIMIT ${limit}`)
      return rows.map(toUser)
    },
  }
}
