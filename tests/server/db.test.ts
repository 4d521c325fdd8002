import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LATEST_VERSION } from '../../signaling-server/src/db/migrations.js'
import { migrate, openDatabase } from '../../signaling-server/src/db/open.js'
import { createCallsRepository } from '../../signaling-server/src/db/repositories/calls.js'
import { createUsersRepository } from '../../signaling-server/src/db/repositories/users.js'
import { tempDir } from './helper.js'

const SERVER_SRC = join(import.meta.dirname, '../../signaling-server/src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  )
}

describe('database (checklist D3, D5, D6)', () => {
  it('D3: opens with WAL, NORMAL sync, foreign keys and a busy timeout', () => {
    const db = openDatabase(join(tempDir(), 'pragmas.db'))
    expect(db.raw.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.raw.pragma('synchronous', { simple: true })).toBe(1) // NORMAL: crash-safe in WAL
    expect(db.raw.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.raw.pragma('busy_timeout', { simple: true })).toBe(5000)
    db.close()
  })

  it('D3: no SQL is built from strings — values are always bound parameters', () => {
    const offenders: string[] = []
    for (const file of sourceFiles(SERVER_SRC)) {
      const lines = readFileSync(file, 'utf8').split('\n')
      lines.forEach((line, i) => {
        const previous = lines[i - 1] ?? ''
        if (previous.includes('sql-scan-allow')) return
        const callsSql = /\.(prepare|exec|pragma)\(\s*`[^`]*\$\{/.test(line)
        const concatenated =
          /\.(prepare|exec)\([^)]*\+/.test(line) || /text:\s*['"`][^'"`]*['"`]\s*\+/.test(line)
        // Interpolating into a query's text is allowed only for UPPER_CASE constant fragments.
        const textInterpolation = [...line.matchAll(/\$\{([^}]+)\}/g)].some(
          ([, name]) => /text:\s*`/.test(line) && !/^[A-Z][A-Z0-9_]*$/.test(name ?? ''),
        )
        if (callsSql || concatenated || textInterpolation)
          offenders.push(`${file}:${i + 1}: ${line.trim()}`)
      })
    }
    expect(offenders).toEqual([])
  })

  it('D5: migrates an empty database to the latest version, idempotently, keeping data', () => {
    const path = join(tempDir(), 'migrate.db')
    const raw = openDatabase(path, []).raw
    expect(raw.pragma('user_version', { simple: true })).toBe(0)
    expect(migrate(raw)).toBe(LATEST_VERSION)
    const schema = raw
      .prepare(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
      )
      .all()
    expect(schema).toEqual([
      { type: 'index', name: 'call_participants_by_call' },
      { type: 'index', name: 'call_participants_in_call' },
      { type: 'index', name: 'call_participants_ringing' },
      { type: 'index', name: 'calls_open_by_callee' },
      { type: 'index', name: 'calls_open_by_caller' },
      { type: 'index', name: 'calls_open_by_deadline' },
      { type: 'table', name: 'call_participants' },
      { type: 'table', name: 'calls' },
      { type: 'table', name: 'users' },
    ])
    raw
      .prepare(
        "INSERT INTO users VALUES ('u1', 'Ann', 'ann', 'Ann', 'scrypt$x', '2026-01-01T00:00:00.000Z')",
      )
      .run()
    raw.close()
    // Re-opening runs the migrations again: nothing changes, nothing is lost.
    const db = openDatabase(path)
    expect(db.raw.pragma('user_version', { simple: true })).toBe(LATEST_VERSION)
    expect(createUsersRepository(db).findByUsername('ANN')?.user.id).toBe('u1')
    expect(db.raw.pragma('integrity_check', { simple: true })).toBe('ok')
    db.close()
  })

  it('D5: the schema rejects impossible states', () => {
    const db = openDatabase(join(tempDir(), 'checks.db'))
    const users = createUsersRepository(db)
    const a = users.create('checka', 'A', 'h')
    const b = users.create('checkb', 'B', 'h')
    expect(a && b).toBeTruthy()
    const insert = (status: string, reason: string | null) => () =>
      db.raw
        .prepare(
          "INSERT INTO calls (room_id, caller_id, callee_id, call_type, status, end_reason, created_at) VALUES (?, ?, ?, 'video', ?, ?, 'now')",
        )
        .run(`room-${Math.random()}`, a?.id, b?.id, status, reason)
    expect(insert('ended', null)).toThrow(/CHECK/)
    expect(insert('waiting', 'missed')).toThrow(/CHECK/)
    expect(insert('ringing', null)).toThrow(/CHECK/)
    expect(() =>
      db.raw
        .prepare(
          "INSERT INTO calls (room_id, caller_id, callee_id, call_type, status, created_at) VALUES ('r', 'nobody', 'nobody', 'video', 'waiting', 'now')",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/)
    db.close()
  })

  it('D6: every query on a hot path uses an index — never a full scan of calls', () => {
    const db = openDatabase(join(tempDir(), 'plans.db'))
    const seen = new Set<string>()
    const prepare = db.raw.prepare.bind(db.raw)
    db.raw.prepare = ((source: string) => {
      seen.add(source)
      return prepare(source)
    }) as typeof db.raw.prepare
    const users = createUsersRepository(db)
    const calls = createCallsRepository(db)
    const a = users.create('plana', 'A', 'h')
    const b = users.create('planb', 'B', 'h')
    if (!a || !b) throw new Error('setup')
    users.findById(a.id)
    users.findByUsername('plana')
    const call = calls.createIfFree(a.id, b.id, 'video', Date.now() + 45_000)
    if (!call) throw new Error('setup')
    calls.byRoomId(call.room_id)
    calls.active(a.id)
    calls.claimMissed(Date.now())
    calls.markAnswered(call.id, Date.now() + 60_000)
    calls.setDeadline(call.id, Date.now() + 60_000)
    const [due] = calls.dueInProgress(Date.now() + 120_000, 10)
    if (!due) throw new Error('setup')
    calls.extendDeadline(call.id, due.deadline, due.deadline + 1)
    calls.endIfDeadline(call.id, due.deadline + 1, 'interrupted')
    calls.markEnded(call.id, 'completed')
    calls.history(a.id, 1, 10)
    calls.stats(a.id)
    calls.isBusy(b.id)
    // Group calls: per-participant answers, departures, invitations and ring timeouts.
    const c = users.create('planc', 'C', 'h')
    const d = users.create('pland', 'D', 'h')
    if (!c || !d) throw new Error('setup')
    const group = calls.createIfFree(a.id, [b.id, c.id], 'video', Date.now() + 45_000)
    if (!group) throw new Error('setup')
    calls.answer(group.id, b.id, Date.now() + 60_000)
    calls.invite(group.id, a.id, d.id, Date.now() + 45_000)
    calls.claimMissedInvites(Date.now() + 100_000)
    calls.depart(group.id, b.id, 'left')

    const scans: string[] = []
    for (const source of seen) {
      if (!/^\s*(SELECT|UPDATE)/i.test(source)) continue
      const params = Array.from({ length: (source.match(/\?/g) ?? []).length }, () => 'x')
      const plan = prepare(`EXPLAIN QUERY PLAN ${source}`).all(...params) as { detail: string }[]
      for (const { detail } of plan)
        if (/^SCAN (calls|c|users|call_participants)\b/.test(detail))
          scans.push(`${detail} ← ${source.replace(/\s+/g, ' ').slice(0, 120)}`)
    }
    expect(seen.size).toBeGreaterThan(8)
    expect(scans).toEqual([])
    db.close()
  })
})
