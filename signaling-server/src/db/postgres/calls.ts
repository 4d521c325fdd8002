import { randomBytes } from 'node:crypto'
import { systemClock, type Clock } from '../../clock.js'
import type { Call, CallStats, EndReason } from '../../protocol/index.js'
import { EMPTY_STATS, SELECT_CALL, toCall, type CallRow } from '../repositories/call-row.js'
import { sql, type Query } from '../sql.js'
import type { CallsStore, DueCall } from '../storage.js'
import type { PgDb, PgRunner } from './pool.js'

/** Postgres unique_violation: the busy_users primary key refused a second open call. */
const UNIQUE_VIOLATION = '23505'

const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  (error as { code?: unknown }).code === UNIQUE_VIOLATION

/**
 * Ends calls matched by `where` in one statement and frees their users in the same one: the
 * UPDATE's row lock makes it a compare-and-set (a second ender matches nothing), and busy_users
 * can never disagree with the calls table.
 */
const endWhere = (endedAt: string, reason: EndReason, where: Query): Query => ({
  text: `
    WITH ended AS (
      UPDATE calls SET status = 'ended', end_reason = ?, ended_at = ?::timestamptz,
             duration_s = CASE WHEN answered_at IS NULL THEN NULL
                          ELSE greatest(0, round(extract(epoch FROM (?::timestamptz - answered_at))))::int END
      WHERE status <> 'ended' AND ${where.text}
      RETURNING id),
    freed AS (DELETE FROM busy_users WHERE call_id IN (SELECT id FROM ended))
    SELECT id FROM ended`,
  params: [reason, endedAt, endedAt, ...where.params],
})

/** Calls in Postgres, for several nodes sharing one database. */
export function createPgCallsStore(db: PgDb, now: Clock = systemClock): CallsStore {
  const byId = async (id: number, on: PgRunner = db): Promise<Call | undefined> => {
    const row = await on.get<CallRow>({ text: `${SELECT_CALL} WHERE c.id = ?`, params: [id] })
    return row && toCall(row)
  }

  const ended = async (query: Query): Promise<Call[]> => {
    const rows = await db.all<{ id: number }>(query)
    const calls = await Promise.all(rows.map(({ id }) => byId(id)))
    return calls.filter((c): c is Call => c !== undefined)
  }

  const isoNow = (): string => new Date(now()).toISOString()

  return {
    byId: (id) => byId(id),

    async byRoomId(roomId) {
      const row = await db.get<CallRow>({
        text: `${SELECT_CALL} WHERE c.room_id = ?`,
        params: [roomId],
      })
      return row && toCall(row)
    },

    async createIfFree(callerId, calleeId, callType, deadline) {
      try {
        return await db.transaction(async (tx) => {
          const createdAt = isoNow()
          const roomId = randomBytes(16).toString('base64url')
          const row = await tx.get<{ id: number }>(sql`
            INSERT INTO calls (room_id, caller_id, callee_id, call_type, status, created_at, deadline)
            VALUES (${roomId}, ${callerId}, ${calleeId}, ${callType}, 'waiting', ${createdAt}, ${deadline})
            RETURNING id`)
          if (!row) throw new Error('INSERT … RETURNING returned no row')
          // The busy invariant: this fails with unique_violation if either user has an open call.
          // Rows go in sorted order, so two opposite calls wait on each other instead of deadlocking.
          const [first, second] = [callerId, calleeId].sort()
          await tx.run(
            sql`INSERT INTO busy_users (user_id, call_id) VALUES (${first ?? ''}, ${row.id}), (${second ?? ''}, ${row.id})`,
          )
          await tx.run(sql`
            INSERT INTO call_participants (user_id, created_at, call_id)
            VALUES (${callerId}, ${createdAt}, ${row.id}), (${calleeId}, ${createdAt}, ${row.id})`)
          return byId(row.id, tx)
        })
      } catch (error) {
        if (isUniqueViolation(error)) return undefined
        throw error
      }
    },

    async markAnswered(id, deadline) {
      const changed = await db.run(sql`
        UPDATE calls SET status = 'in_progress', answered_at = ${isoNow()}, deadline = ${deadline}
        WHERE id = ${id} AND status = 'waiting'`)
      return changed === 1 ? byId(id) : undefined
    },

    async markEnded(id, reason) {
      const [call] = await ended(endWhere(isoNow(), reason, sql`id = ${id}`))
      return call
    },

    async setDeadline(id, deadline) {
      return (
        (await db.run(sql`
          UPDATE calls SET deadline = ${deadline} WHERE id = ${id} AND status = 'in_progress'`)) ===
        1
      )
    },

    async claimMissed(at) {
      return ended(
        endWhere(
          new Date(at).toISOString(),
          'missed',
          sql`status = 'waiting' AND deadline <= ${at}`,
        ),
      )
    },

    async dueInProgress(at, limit) {
      return db.all<DueCall & Record<string, unknown>>(sql`
        SELECT id, room_id, caller_id, callee_id, deadline FROM calls
        WHERE status <> 'ended' AND status = 'in_progress' AND deadline <= ${at}
        ORDER BY deadline LIMIT ${limit}`)
    },

    async endIfDeadline(id, deadline, reason) {
      const [call] = await ended(
        endWhere(isoNow(), reason, sql`id = ${id} AND deadline = ${deadline}`),
      )
      return call
    },

    async extendDeadline(id, deadline, next) {
      return (
        (await db.run(sql`
          UPDATE calls SET deadline = ${next}
          WHERE id = ${id} AND status <> 'ended' AND deadline = ${deadline}`)) === 1
      )
    },

    async endAllOpen(reason) {
      return (await ended(endWhere(isoNow(), reason, sql`TRUE`))).length
    },

    async active(userId) {
      const rows = await db.all<CallRow>({
        text: `${SELECT_CALL} WHERE c.status <> 'ended' AND c.caller_id = ?
               UNION ALL
               ${SELECT_CALL} WHERE c.status <> 'ended' AND c.callee_id = ?
               ORDER BY created_at DESC`,
        params: [userId, userId],
      })
      return rows.map(toCall)
    },

    async history(userId, page, limit) {
      const rows = await db.all<CallRow>({
        text: `${SELECT_CALL}
               JOIN (SELECT call_id, created_at FROM call_participants WHERE user_id = ?
                     ORDER BY created_at DESC, call_id DESC LIMIT ? OFFSET ?) p ON p.call_id = c.id
               ORDER BY p.created_at DESC, p.call_id DESC`,
        params: [userId, limit, (page - 1) * limit],
      })
      return rows.map(toCall)
    },

    async stats(userId): Promise<CallStats> {
      const row = await db.get<CallStats & Record<string, unknown>>(sql`
        SELECT count(*)                                             AS total_calls,
               count(*) FILTER (WHERE c.end_reason = 'completed')   AS completed,
               count(*) FILTER (WHERE c.end_reason = 'missed')      AS missed,
               count(*) FILTER (WHERE c.end_reason = 'declined')    AS declined,
               coalesce(sum(c.duration_s), 0)                       AS total_duration_s,
               coalesce(round(avg(c.duration_s), 1), 0)             AS avg_duration_s
        FROM call_participants p JOIN calls c ON c.id = p.call_id
        WHERE p.user_id = ${userId}`)
      return row ?? { ...EMPTY_STATS }
    },

    async countByStatus() {
      const rows = await db.all<{ status: Call['status']; n: number }>(
        sql`SELECT status, count(*) AS n FROM calls GROUP BY status`,
      )
      const counts = { waiting: 0, in_progress: 0, ended: 0 }
      for (const { status, n } of rows) counts[status] = n
      return counts
    },
  }
}
