import { randomBytes } from 'node:crypto'
import type { Call, CallStats, CallType, EndReason } from '../../protocol/index.js'
import type { Db } from '../open.js'
import { systemClock, type Clock } from '../../clock.js'
import { sql } from '../sql.js'
import type { DueCall } from '../storage.js'
import { EMPTY_STATS, SELECT_CALL, toCall, type CallRow } from './call-row.js'

const durationS = (answeredAt: string | null, endedAt: string): number | null =>
  answeredAt === null
    ? null
    : Math.max(0, Math.round((Date.parse(endedAt) - Date.parse(answeredAt)) / 1000))

/**
 * The SQLite calls repository (synchronous, one node). Each write runs in an IMMEDIATE transaction
 * or is one conditional UPDATE, so a check and the change that depends on it can't be split by
 * another writer.
 */
export function createCallsRepository(db: Db, now: Clock = systemClock) {
  const byId = (id: number): Call | undefined => {
    const row = db.get<CallRow>({ text: `${SELECT_CALL} WHERE c.id = ?`, params: [id] })
    return row && toCall(row)
  }

  /** True when the user is ringing or talking. Uses the partial "open calls" indexes. */
  const isBusy = (userId: string): boolean => {
    return (
      db.get(sql`
        SELECT 1 AS busy FROM calls WHERE status <> 'ended' AND caller_id = ${userId}
        UNION ALL
        SELECT 1 AS busy FROM calls WHERE status <> 'ended' AND callee_id = ${userId}
        LIMIT 1`) !== undefined
    )
  }

  /** waiting|in_progress → ended, a compare-and-set; undefined if it had already ended. */
  const markEnded = (id: number, reason: EndReason, deadline?: number): Call | undefined => {
    return db.transaction(() => {
      const row = db.get<{ answered_at: string | null; deadline: number | null }>(
        sql`SELECT answered_at, deadline FROM calls WHERE id = ${id} AND status <> 'ended'`,
      )
      if (!row || (deadline !== undefined && row.deadline !== deadline)) return undefined
      const endedAt = new Date(now()).toISOString()
      db.run(sql`
        UPDATE calls SET status = 'ended', end_reason = ${reason}, ended_at = ${endedAt},
                         duration_s = ${durationS(row.answered_at, endedAt)}
        WHERE id = ${id}`)
      return byId(id)
    })
  }

  return {
    byId,

    byRoomId(roomId: string): Call | undefined {
      const row = db.get<CallRow>({ text: `${SELECT_CALL} WHERE c.room_id = ?`, params: [roomId] })
      return row && toCall(row)
    },

    isBusy,

    /** Creates a waiting call unless either side is already in one; undefined means busy. */
    createIfFree(
      callerId: string,
      calleeId: string,
      callType: CallType,
      deadline: number,
    ): Call | undefined {
      // IMMEDIATE: the write lock is taken before the check, so the check can't go stale.
      return db.transaction(() => {
        if (isBusy(callerId) || isBusy(calleeId)) return undefined
        const createdAt = new Date(now()).toISOString()
        const roomId = randomBytes(16).toString('base64url')
        const { lastInsertRowid } = db.run(sql`
          INSERT INTO calls (room_id, caller_id, callee_id, call_type, status, created_at, deadline)
          VALUES (${roomId}, ${callerId}, ${calleeId}, ${callType}, 'waiting', ${createdAt}, ${deadline})`)
        const id = Number(lastInsertRowid)
        db.run(
          sql`INSERT INTO call_participants (user_id, created_at, call_id) VALUES (${callerId}, ${createdAt}, ${id})`,
        )
        db.run(
          sql`INSERT INTO call_participants (user_id, created_at, call_id) VALUES (${calleeId}, ${createdAt}, ${id})`,
        )
        return byId(id)
      })
    },

    /** waiting → in_progress; undefined if the call was not waiting any more (a lost race). */
    markAnswered(id: number, deadline: number): Call | undefined {
      const { changes } = db.run(sql`
        UPDATE calls SET status = 'in_progress', answered_at = ${new Date(now()).toISOString()},
                         deadline = ${deadline}
        WHERE id = ${id} AND status = 'waiting'`)
      return changes === 1 ? byId(id) : undefined
    },

    markEnded: (id: number, reason: EndReason): Call | undefined => markEnded(id, reason),

    setDeadline(id: number, deadline: number): boolean {
      return (
        db.run(sql`
          UPDATE calls SET deadline = ${deadline}
          WHERE id = ${id} AND status <> 'ended' AND status = 'in_progress'`).changes === 1
      )
    },

    /** One UPDATE … RETURNING: a row is claimed by exactly one sweep. */
    claimMissed(at: number): Call[] {
      const endedAt = new Date(at).toISOString()
      return db.transaction(() => {
        // `status <> 'ended'` repeats the partial index's condition so SQLite may use it.
        const claimed = db.all<{ id: number }>(sql`
          UPDATE calls SET status = 'ended', end_reason = 'missed', ended_at = ${endedAt}
          WHERE status <> 'ended' AND status = 'waiting' AND deadline <= ${at}
          RETURNING id`)
        return claimed.flatMap(({ id }) => byId(id) ?? [])
      })
    },

    dueInProgress(at: number, limit: number): DueCall[] {
      return db.all<DueCall & Record<string, unknown>>(sql`
        SELECT id, room_id, caller_id, callee_id, deadline FROM calls
        WHERE status <> 'ended' AND status = 'in_progress' AND deadline <= ${at}
        ORDER BY deadline LIMIT ${limit}`)
    },

    endIfDeadline(id: number, deadline: number, reason: EndReason): Call | undefined {
      return markEnded(id, reason, deadline)
    },

    extendDeadline(id: number, deadline: number, next: number): boolean {
      return (
        db.run(sql`
          UPDATE calls SET deadline = ${next}
          WHERE id = ${id} AND status <> 'ended' AND deadline = ${deadline}`).changes === 1
      )
    },

    /** At start-up: calls a crash left open can't still be live, so end them honestly. */
    endAllOpen(reason: EndReason): number {
      return db.transaction(() => {
        const open = db.all<{ id: number }>(sql`SELECT id FROM calls WHERE status <> 'ended'`)
        for (const { id } of open) markEnded(id, reason)
        return open.length
      })
    },

    active(userId: string): Call[] {
      return db
        .all<CallRow>({
          text: `${SELECT_CALL} WHERE c.status <> 'ended' AND c.caller_id = ?
                 UNION ALL
                 ${SELECT_CALL} WHERE c.status <> 'ended' AND c.callee_id = ?
                 ORDER BY created_at DESC`,
          params: [userId, userId],
        })
        .map(toCall)
    },

    /** One page, newest first. The total is `stats(userId).total_calls`: same rows, one count. */
    history(userId: string, page: number, limit: number): Call[] {
      const rows = db.all<CallRow>({
        text: `${SELECT_CALL}
               JOIN (SELECT call_id, created_at FROM call_participants WHERE user_id = ?
                     ORDER BY created_at DESC, call_id DESC LIMIT ? OFFSET ?) p ON p.call_id = c.id
               ORDER BY p.created_at DESC, p.call_id DESC`,
        params: [userId, limit, (page - 1) * limit],
      })
      return rows.map(toCall)
    },

    stats(userId: string): CallStats {
      const row = db.get<CallStats>(sql`
        SELECT count(*)                                    AS total_calls,
               coalesce(sum(c.end_reason = 'completed'), 0) AS completed,
               coalesce(sum(c.end_reason = 'missed'), 0)    AS missed,
               coalesce(sum(c.end_reason = 'declined'), 0)  AS declined,
               coalesce(sum(c.duration_s), 0)               AS total_duration_s,
               coalesce(round(avg(c.duration_s), 1), 0)     AS avg_duration_s
        FROM call_participants p JOIN calls c ON c.id = p.call_id
        WHERE p.user_id = ${userId}`)
      return row ?? { ...EMPTY_STATS }
    },

    countByStatus(): Record<Call['status'], number> {
      const rows = db.all<{ status: Call['status']; n: number }>(
        sql`SELECT status, count(*) AS n FROM calls GROUP BY status`,
      )
      const counts = { waiting: 0, in_progress: 0, ended: 0 }
      for (const { status, n } of rows) counts[status] = n
      return counts
    },
  }
}

export type CallsRepository = ReturnType<typeof createCallsRepository>
