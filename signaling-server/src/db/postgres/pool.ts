import pg from 'pg'
import type { Migration } from '../migrations.js'
import type { Query } from '../sql.js'

type Row = Record<string, unknown>

/**
 * Values come back as the SQLite repository returns them: bigint ids and counts as numbers (ids
 * stay far below 2^53), numeric aggregates as numbers, timestamptz as ISO-8601 UTC strings.
 */
function typeOverrides(): pg.TypeOverrides {
  const types = new pg.TypeOverrides()
  const parseDate = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (v: string) => Date
  types.setTypeParser(pg.types.builtins.INT8, Number)
  types.setTypeParser(pg.types.builtins.NUMERIC, Number)
  types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (value) => parseDate(value).toISOString())
  return types
}

/** `?` placeholders (the `sql` tag's) become `$1…$n`; question marks inside '…' literals stay. */
export function toPostgres(query: Query): { text: string; values: unknown[] } {
  let n = 0
  let inLiteral = false
  let text = ''
  for (const char of query.text) {
    if (char === "'") inLiteral = !inLiteral
    text += char === '?' && !inLiteral ? `$${++n}` : char
  }
  return { text, values: [...query.params] }
}

/** What a repository runs queries on: the pool, or one client inside a transaction. */
export interface PgRunner {
  all<T extends Row>(query: Query): Promise<T[]>
  get<T extends Row>(query: Query): Promise<T | undefined>
  run(query: Query): Promise<number>
}

const runner = (client: pg.Pool | pg.PoolClient): PgRunner => ({
  async all<T extends Row>(query: Query) {
    return (await client.query<T>(toPostgres(query))).rows
  },
  async get<T extends Row>(query: Query): Promise<T | undefined> {
    const { rows } = await client.query<T>(toPostgres(query))
    return rows[0]
  },
  async run(query: Query) {
    return (await client.query(toPostgres(query))).rowCount ?? 0
  },
})

export class PgDb implements PgRunner {
  readonly pool: pg.Pool
  readonly #runner: PgRunner
  #open = true

  constructor(url: string, onIdleError: (error: Error) => void = () => {}) {
    this.pool = new pg.Pool({
      connectionString: url,
      types: typeOverrides(),
      max: 10,
      connectionTimeoutMillis: 5000,
      // A statement stuck behind a lock fails instead of holding a request forever.
      statement_timeout: 10_000,
    })
    // An idle client that loses its server emits 'error'; unhandled, it would end the process.
    // The next query reconnects, or fails and is answered as such.
    this.pool.on('error', onIdleError)
    this.#runner = runner(this.pool)
  }

  all<T extends Row>(query: Query): Promise<T[]> {
    return this.#runner.all<T>(query)
  }
  get<T extends Row>(query: Query): Promise<T | undefined> {
    return this.#runner.get<T>(query)
  }
  run(query: Query): Promise<number> {
    return this.#runner.run(query)
  }

  /** Runs `fn` in one transaction on one connection: all of it is committed, or none. */
  async transaction<T>(fn: (tx: PgRunner) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    try {
      await client.query('BEGIN')
      const result = await fn(runner(client))
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
  }

  get open(): boolean {
    return this.#open
  }

  async close(): Promise<void> {
    if (!this.#open) return
    this.#open = false
    await this.pool.end()
  }
}

/** Any fixed 64-bit number: the advisory lock that serialises migrations across starting nodes. */
const MIGRATION_LOCK = 7_221_566_109

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction.
 * Nodes starting together take turns on an advisory lock, so each migration runs exactly once.
 */
export async function migratePostgres(db: PgDb, migrations: readonly Migration[]): Promise<number> {
  const client = await db.pool.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`)
    const applied = await client.query<{ version: number }>('SELECT version FROM schema_migrations')
    const done = new Set(applied.rows.map((r) => r.version))
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue
      await client.query('BEGIN')
      try {
        await client.query(migration.up)
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ])
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK')
        throw error
      }
    }
    const latest = await client.query<{ v: number | null }>(
      'SELECT max(version) AS v FROM schema_migrations',
    )
    return latest.rows[0]?.v ?? 0
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined)
    client.release()
  }
}
