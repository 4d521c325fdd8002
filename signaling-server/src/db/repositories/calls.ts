import { randomBytes } from 'node:crypto'
import type { Call, CallStats, CallType, EndReason, User } from '../../protocol/index.js'
import type { Db } from '../open.js'
import { sql } from '../sql.js'

interface CallRow extends Record<string, unknown> {
  id: number
  room_id: string
  caller_id: string
  callee_id: string
  call_type: CallType
  status: Call['status']
  end_reason: EndReason | null
  created_at: string
  answered_at: string | null
  ended_at: string | null
  duration_s: number | null
  caller_username: string
  caller_display_name: string
  callee_username: string
  callee_display_name: string
}

/** Every call read joins its two participants, so responses carry their names. */
const SELECT_CALL = `
  SELECT c.*,
         a.username AS caller_username, a.display_name AS caller_display_name,
         b.username AS callee_username, b.display_name AS callee_display_name
  FROM calls c
  JOIN users a ON a.id = c.caller_id
  JOIN users b ON b.id = c.callee_id`

function toCall(row: CallRow): Call {
  const caller: User = {
    id: row.caller_id,
    username: row.caller_username,
    display_name: row.caller_display_name,
  }
  const callee: User = {
    id: row.callee_id,
    username: row.callee_username,
    display_name: row.callee_display_name,
  }
  return {
    id: row.id,
    room_id: row.room_id,
    caller_id: row.caller_id,
    callee_id: row.callee_id,
    call_type: row.call_type,
    status: row.status,
    ...(row.end_reason !== null && { end_reason: row.end_reason }),
    created_at: row.created_at,
    ...(row.answered_at !== null && { answered_at: row.answered_at }),
    ...(row.ended_at !== null && { ended_at: row.ended_at }),
    ...(row.duration_s !== null && { duration_s: row.duration_s }),
    caller,
    callee,
  }
}

const durationS = (answeredAt: string | null, endedAt: string): number | null =>
  answeredAt === null
    ? null
    : Math.max(0, Math.round((Date.parse(endedAt) - Date.parse(answeredAt)) / 1000))

export function createCallsRepository(db: Db) {
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

  /** waiting|in_progress → ended; undefined if it had already ended. */
  const markEnded = (id: number, reason: EndReason): Call | undefined => {
    return db.transaction(() => {
      const row = db.get<{ answered_at: string | null }>(
        sql`SELECT answered_at FROM calls WHERE id = ${id} AND status <> 'ended'`,
      )
      if (!row) return undefined
      const endedAt = new Date().toISOString()
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
    createIfFree(callerId: string, calleeId: string, callType: CallType): Call | undefined {
      return db.transaction(() => {
        if (isBusy(callerId) || isBusy(calleeId)) return undefined
        const now = new Date().toISOString()
        const roomId = randomBytes(16).toString('base64url')
        const { lastInsertRowid } = db.run(sql`
          INSERT INTO calls (room_id, caller_id, callee_id, call_type, status, created_at)
          VALUES (${roomId}, ${callerId}, ${calleeId}, ${callType}, 'waiting', ${now})`)
        const id = Number(lastInsertRowid)
        db.run(
          sql`INSERT INTO call_participants (user_id, created_at, call_id) VALUES (${callerId}, ${now}, ${id})`,
        )
        db.run(
          sql`INSERT INTO call_participants (user_id, created_at, call_id) VALUES (${calleeId}, ${now}, ${id})`,
        )
        return byId(id)
      })
    },

    /** waiting → in_progress; undefined if the call was not waiting any more (a lost race). */
    markAnswered(id: number): Call | undefined {
      const { changes } = db.run(sql`
        UPDATE calls SET status = 'in_progress', answered_at = ${new Date().toISOString()}
        WHERE id = ${id} AND status = 'waiting'`)
      return changes === 1 ? byId(id) : undefined
    },

    markEnded,

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
      return (
        row ?? {
          total_calls: 0,
          completed: 0,
          missed: 0,
          declined: 0,
          total_duration_s: 0,
          avg_duration_s: 0,
        }
      )
    },
  }
}

export type CallsRepository = ReturnType<typeof createCallsRepository>
