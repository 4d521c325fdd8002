import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { MIGRATIONS, type Migration } from './migrations.js'
import type { Query, SqlValue } from './sql.js'

type Row = Record<string, unknown>

/** A thin typed handle over better-sqlite3 that caches prepared statements by SQL text. */
export class Db {
  readonly raw: Database.Database
  readonly #statements = new Map<string, Database.Statement<SqlValue[]>>()

  constructor(raw: Database.Database) {
    this.raw = raw
  }

  #prepare(query: Query): Database.Statement<SqlValue[]> {
    let statement = this.#statements.get(query.text)
    if (!statement) {
      statement = this.raw.prepare<SqlValue[]>(query.text)
      this.#statements.set(query.text, statement)
    }
    return statement
  }

  get<T extends Row>(query: Query): T | undefined {
    return this.#prepare(query).get(...query.params) as T | undefined
  }

  all<T extends Row>(query: Query): T[] {
    return this.#prepare(query).all(...query.params) as T[]
  }

  run(query: Query): Database.RunResult {
    return this.#prepare(query).run(...query.params)
  }

  /** Runs `fn` in one IMMEDIATE transaction: all of it is committed, or none. */
  transaction<T>(fn: () => T): T {
    return this.raw.transaction(fn).immediate()
  }

  get open(): boolean {
    return this.raw.open
  }

  close(): void {
    if (this.raw.open) this.raw.close()
  }
}

export function migrate(
  raw: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
): number {
  const current = raw.pragma('user_version', { simple: true }) as number
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= current) continue
    raw.transaction(() => {
      raw.exec(migration.up)
      // PRAGMA takes no bound parameters; the version is an integer from this file. sql-scan-allow
      raw.pragma(`user_version = ${Math.trunc(migration.version)}`)
    })()
  }
  return raw.pragma('user_version', { simple: true }) as number
}

/**
 * Opens (creating if needed) the database with the pragmas the server relies on: WAL so readers
 * never block the writer, foreign keys on, and a busy timeout instead of immediate SQLITE_BUSY.
 * synchronous=NORMAL: in WAL mode a commit survives a crash or `kill -9` of the process (tested in
 * tests/server/crash.test.ts and durability.test.ts); only an OS crash or power cut can drop the
 * last commits, never corrupt the file. FULL would fsync every commit (~3 ms measured here), which
 * blocks the event loop and capped calls/start at a few hundred a second.
 */
export function openDatabase(path: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const raw = new Database(path)
  raw.pragma('journal_mode = WAL')
  raw.pragma('synchronous = NORMAL')
  raw.pragma('foreign_keys = ON')
  raw.pragma('busy_timeout = 5000')
  migrate(raw, migrations)
  return new Db(raw)
}
