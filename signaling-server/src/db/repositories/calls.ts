import { randomBytes } from 'node:crypto'
import {
  MAX_CALL_PARTICIPANTS,
  type Call,
  type CallStats,
  type CallType,
  type EndReason,
} from '../../protocol/index.js'
import type { Db } from '../open.js'
import { systemClock, type Clock } from '../../clock.js'
import { sql } from '../sql.js'
import type { DueCall, InviteOutcome, MissedInvite, ParticipantChange } from '../storage.js'
import {
  EMPTY_STATS,
  PARTICIPANT_OUTCOME,
  selectCall,
  SQLITE_PARTICIPANTS,
  toCall,
  type CallRow,
} from './call-row.js'

const SELECT_CALL = selectCall(SQLITE_PARTICIPANTS)

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

  /**
   * True when the user is ringing or in a call: invited or joined in an open call (a participant
   * who declined or left a call that goes on is free). Uses the partial "in a call" index.
   */
  const isBusy = (userId: string): boolean => {
    return (
      db.get(sql`
        SELECT 1 AS busy FROM call_participants
        WHERE user_id = ${userId} AND status IN ('invited', 'joined') LIMIT 1`) !== undefined
    )
  }

  const participantStatus = (id: number, userId: string): string | undefined =>
    db.get<{ status: string }>(sql`
      SELECT status FROM call_participants WHERE call_id = ${id} AND user_id = ${userId}`)?.status

  /** How many of the call's participants have `status`. */
  const countWith = (id: number, status: 'invited' | 'joined'): number =>
    db.get<{ n: number }>(sql`
      SELECT count(*) AS n FROM call_participants WHERE call_id = ${id} AND status = ${status}`)
      ?.n ?? 0

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
      closeParticipants(id, reason)
      return byId(id)
    })
  }

  /**
   * An ended call's people: those in it left, those still ringing missed it (or declined it, when
   * that is how the call ended: a 1:1 callee who hung up on the ring).
   */
  const closeParticipants = (id: number, reason: EndReason): void => {
    const ringing = reason === 'declined' ? 'declined' : 'missed'
    db.run(sql`
      UPDATE call_participants
      SET status = CASE status WHEN 'invited' THEN ${ringing} ELSE 'left' END, ring_deadline = NULL
      WHERE call_id = ${id} AND status IN ('invited', 'joined')`)
  }

  const answer = (id: number, userId: string, deadline: number): ParticipantChange | undefined =>
    db.transaction(() => {
      const call = db.get<{ status: Call['status'] }>(
        sql`SELECT status FROM calls WHERE id = ${id} AND status <> 'ended'`,
      )
      if (!call || participantStatus(id, userId) !== 'invited') return undefined
      db.run(sql`
        UPDATE call_participants SET status = 'joined', ring_deadline = NULL
        WHERE call_id = ${id} AND user_id = ${userId}`)
      const answered = call.status === 'waiting'
      if (answered)
        db.run(sql`
          UPDATE calls SET status = 'in_progress', answered_at = ${new Date(now()).toISOString()},
                           deadline = ${deadline}
          WHERE id = ${id}`)
      const updated = byId(id)
      return updated && { call: updated, ended: false, answered }
    })

  return {
    byId,

    byRoomId(roomId: string): Call | undefined {
      const row = db.get<CallRow>({ text: `${SELECT_CALL} WHERE c.room_id = ?`, params: [roomId] })
      return row && toCall(row)
    },

    isBusy,

    /** Creates a waiting call unless anyone in it is already in one; undefined means busy. */
    createIfFree(
      callerId: string,
      calleeIds: string | readonly string[],
      callType: CallType,
      deadline: number,
    ): Call | undefined {
      const callees = typeof calleeIds === 'string' ? [calleeIds] : calleeIds
      const [first] = callees
      if (first === undefined) throw new Error('a call needs a callee')
      // IMMEDIATE: the write lock is taken before the check, so the check can't go stale.
      return db.transaction(() => {
        if ([callerId, ...callees].some(isBusy)) return undefined
        const createdAt = new Date(now()).toISOString()
        const roomId = randomBytes(16).toString('base64url')
        const { lastInsertRowid } = db.run(sql`
          INSERT INTO calls (room_id, caller_id, callee_id, call_type, status, created_at, deadline)
          VALUES (${roomId}, ${callerId}, ${first}, ${callType}, 'waiting', ${createdAt}, ${deadline})`)
        const id = Number(lastInsertRowid)
        db.run(sql`
          INSERT INTO call_participants (user_id, created_at, call_id, role, status, seq)
          VALUES (${callerId}, ${createdAt}, ${id}, 'caller', 'joined', 0)`)
        callees.forEach((calleeId, i) =>
          db.run(sql`
            INSERT INTO call_participants
              (user_id, created_at, call_id, role, status, seq, ring_deadline)
            VALUES (${calleeId}, ${createdAt}, ${id}, 'callee', 'invited', ${i + 1}, ${deadline})`),
        )
        return byId(id)
      })
    },

    /** The first callee answers; undefined if the call was not waiting any more (a lost race). */
    markAnswered(id: number, deadline: number): Call | undefined {
      const callee = db.get<{ callee_id: string }>(
        sql`SELECT callee_id FROM calls WHERE id = ${id} AND status = 'waiting'`,
      )
      const change = callee && answer(id, callee.callee_id, deadline)
      return change?.answered ? change.call : undefined
    },

    answer,

    depart(id: number, userId: string, to: 'declined' | 'left'): ParticipantChange | undefined {
      return db.transaction(() => {
        const call = db.get<{ status: Call['status'] }>(
          sql`SELECT status FROM calls WHERE id = ${id} AND status <> 'ended'`,
        )
        const from = to === 'declined' ? 'invited' : 'joined'
        if (!call || participantStatus(id, userId) !== from) return undefined
        db.run(sql`
          UPDATE call_participants SET status = ${to}, ring_deadline = NULL
          WHERE call_id = ${id} AND user_id = ${userId}`)
        const reason: EndReason | undefined =
          call.status === 'waiting'
            ? countWith(id, 'invited') === 0
              ? 'declined'
              : undefined
            : countWith(id, 'joined') < 2
              ? 'completed'
              : undefined
        if (reason) {
          const ended = markEnded(id, reason)
          return ended && { call: ended, ended: true, answered: false }
        }
        const updated = byId(id)
        return updated && { call: updated, ended: false, answered: false }
      })
    },

    invite(id: number, inviterId: string, userId: string, deadline: number): InviteOutcome {
      return db.transaction((): InviteOutcome => {
        const call = db.get<{ status: Call['status']; created_at: string }>(
          sql`SELECT status, created_at FROM calls WHERE id = ${id}`,
        )
        if (call?.status !== 'in_progress') return { refused: 'not_in_progress' }
        if (participantStatus(id, inviterId) !== 'joined') return { refused: 'not_joined' }
        const current = participantStatus(id, userId)
        if (current === 'invited' || current === 'joined') return { refused: 'already_in_call' }
        const people =
          db.get<{ n: number }>(
            sql`SELECT count(*) AS n FROM call_participants WHERE call_id = ${id}`,
          )?.n ?? 0
        if (current === undefined && people >= MAX_CALL_PARTICIPANTS) return { refused: 'full' }
        if (isBusy(userId)) return { refused: 'busy' }
        if (current === undefined)
          db.run(sql`
            INSERT INTO call_participants
              (user_id, created_at, call_id, role, status, seq, ring_deadline)
            VALUES (${userId}, ${call.created_at}, ${id}, 'callee', 'invited', ${people}, ${deadline})`)
        else
          // Someone who declined, missed or left earlier rings again, in the same place.
          db.run(sql`
            UPDATE call_participants SET status = 'invited', ring_deadline = ${deadline}
            WHERE call_id = ${id} AND user_id = ${userId}`)
        const updated = byId(id)
        if (!updated) throw new Error('the call vanished inside its transaction')
        return { call: updated }
      })
    },

    /** One UPDATE … RETURNING: a ring is claimed by exactly one sweep. */
    claimMissedInvites(at: number): MissedInvite[] {
      return db.transaction(() => {
        // `status = 'invited'` repeats the partial index's condition so SQLite may use it.
        const claimed = db.all<{ call_id: number; user_id: string }>(sql`
          UPDATE call_participants SET status = 'missed', ring_deadline = NULL
          WHERE status = 'invited' AND ring_deadline <= ${at}
            AND (SELECT status FROM calls WHERE calls.id = call_participants.call_id) = 'in_progress'
          RETURNING call_id, user_id`)
        return claimed.flatMap(({ call_id, user_id }) => {
          const call = byId(call_id)
          return call ? [{ call, userId: user_id }] : []
        })
      })
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
        for (const { id } of claimed) closeParticipants(id, 'missed')
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

    /** The open calls the user is ringing in or has joined (not those they declined or left). */
    active(userId: string): Call[] {
      return db
        .all<CallRow>({
          text: `${SELECT_CALL}
                 JOIN call_participants me ON me.call_id = c.id
                 WHERE me.user_id = ? AND me.status IN ('invited', 'joined')
                 ORDER BY c.created_at DESC, c.id DESC`,
          params: [userId],
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

    /** Per participant: see PARTICIPANT_OUTCOME (the same rules on Postgres). */
    stats(userId: string): CallStats {
      const row = db.get<CallStats>({
        text: `
        SELECT count(*)                                           AS total_calls,
               coalesce(sum(o.outcome = 'completed'), 0)          AS completed,
               coalesce(sum(o.outcome = 'missed'), 0)             AS missed,
               coalesce(sum(o.outcome = 'declined'), 0)           AS declined,
               coalesce(sum(o.duration_s), 0)                     AS total_duration_s,
               coalesce(round(avg(o.duration_s), 1), 0)           AS avg_duration_s
        FROM (${PARTICIPANT_OUTCOME}) o`,
        params: [userId],
      })
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
