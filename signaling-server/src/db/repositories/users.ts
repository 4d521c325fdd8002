import { randomUUID } from 'node:crypto'
import type { User } from '../../protocol/index.js'
import type { Db } from '../open.js'
import { sql } from '../sql.js'
import type { UserWithHash } from '../storage.js'

interface UserRow extends Record<string, unknown> {
  id: string
  username: string
  display_name: string
  password_hash: string
}

export const toUser = (row: UserRow): User => ({
  id: row.id,
  username: row.username,
  display_name: row.display_name,
})

/** Usernames are unique regardless of case: "Alice" and "alice" are one account. */
export const usernameKey = (username: string): string => username.normalize('NFKC').toLowerCase()

export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`)

export function createUsersRepository(db: Db) {
  return {
    /** Returns undefined when the name is taken. */
    create(username: string, displayName: string, passwordHash: string): User | undefined {
      const id = randomUUID()
      const result = db.run(sql`
        INSERT INTO users (id, username, username_key, display_name, password_hash, created_at)
        VALUES (${id}, ${username}, ${usernameKey(username)}, ${displayName}, ${passwordHash}, ${new Date().toISOString()})
        ON CONFLICT (username_key) DO NOTHING`)
      return result.changes === 1 ? { id, username, display_name: displayName } : undefined
    },

    findByUsername(username: string): UserWithHash | undefined {
      const row = db.get<UserRow>(
        sql`SELECT * FROM users WHERE username_key = ${usernameKey(username)}`,
      )
      return row && { user: toUser(row), passwordHash: row.password_hash }
    },

    findById(id: string): User | undefined {
      const row = db.get<UserRow>(
        sql`SELECT id, username, display_name FROM users WHERE id = ${id}`,
      )
      return row && toUser(row)
    },

    /** Name or display-name contains `query` (case-insensitive), the searcher left out. */
    search(query: string, excludeId: string, limit: number): User[] {
      const pattern = `%${escapeLike(query.normalize('NFKC').toLowerCase())}%`
      return db
        .all<UserRow>(
          sql`
          SELECT id, username, display_name FROM users
          WHERE id <> ${excludeId}
            AND (username_key LIKE ${pattern} ESCAPE '\\' OR lower(display_name) LIKE ${pattern} ESCAPE '\\')
          ORDER BY username_key
          LIMIT ${limit}`,
        )
        .map(toUser)
    },
  }
}

export type UsersRepository = ReturnType<typeof createUsersRepository>
