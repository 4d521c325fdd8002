import { systemClock, type Clock } from '../clock.js'
import type { Db } from './open.js'
import { createCallsRepository } from './repositories/calls.js'
import { createUsersRepository } from './repositories/users.js'
import type { CallsStore, Storage, UsersStore } from './storage.js'

type Async<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never
}

/** The same methods, answering through promises (better-sqlite3 is synchronous). */
function promised<T extends object>(sync: T): Async<T> {
  const wrapped: Record<string, unknown> = {}
  for (const [name, fn] of Object.entries(sync)) {
    if (typeof fn === 'function')
      wrapped[name] = async (...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...args)
  }
  return wrapped as Async<T>
}

/** SQLite behind the Storage interface: the default, one node, zero set-up. */
export function sqliteStorage(db: Db, now: Clock = systemClock): Storage & { db: Db } {
  const users: UsersStore = promised(createUsersRepository(db))
  const calls: CallsStore = promised(createCallsRepository(db, now))
  return {
    backend: 'sqlite',
    singleNode: true,
    db,
    users,
    calls,
    async ping() {
      return db.get<{ ok: number }>({ text: 'SELECT 1 AS ok', params: [] })?.ok === 1
    },
    async close() {
      db.close()
    },
  }
}
