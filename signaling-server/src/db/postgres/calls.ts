import { randomBytes } from 'node:crypto'
import { systemClock, type Clock } from '../../clock.js'
import {
  MAX_CALL_PARTICIPANTS,
  type Call,
  type CallStats,
  type EndReason,
} from '../../protocol/index.js'
import {
  EMPTY_STATS,
  PARTICIPANT_OUTCOME,
  POSTGRES_PARTICIPANTS,
  selectCall,
  toCall,
  type CallRow,
} from '../repositories/call-row.js'
import { sql, type Query } from '../sql.js'
import type { CallsStore, DueCall, InviteOutcome, ParticipantChange } from '../storage.js'
import type { PgDb, PgRunner } from './pool.js'

const SELECT_CALL = selectCall(POSTGRES_PARTICIPANTS)

/** Postgres unique_violation: the busy_users primary key refused a second open call. */
const UNIQUE_VIOLATION = '23505'

const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  (error as { code?: unknown }).code === UNIQUE_VIOLATION

/**
 * Ends calls matched by `where` in one statement and frees their users in the same one: the
 * UPDATE's row lock makes it a compare-and-set (a second ender matches nothing), and busy_users
 * and the participants' statuses can never disagree with the calls table (those still ringing
 * missed the call, or declined it when that is how it ended; those in it left).
 */
const endWhere = (endedAt: string, reason: EndReason, where: Query): Query => ({
  text: `
    WITH ended AS (
      UPDATE calls SET status = 'ended', end_reason = ?, ended_at = ?::timestamptz,
             duration_s = CASE WHEN answered_at IS NULL THEN NULL
                          ELSE greatest(0, round(extract(epoch FROM (?::timestamptz - answered_at))))::int END
      WHERE status <> 'ended' AND ${where.text}
      RETURNING id),
    freed AS (DELETE FROM busy_users WHERE call_id IN (SELECT id FROM ended)),
    closed AS (
      UPDATE call_participants
      SET status = CASE status WHEN 'invited' THEN ? ELSE 'left' END, ring_deadline = NULL
      WHERE call_id IN (SELECT id FROM ended) AND status IN ('invited', 'joined'))
    SELECT id FROM ended`,
  params: [
    reason,
    endedAt,
    endedAt,
    ...where.params,
    reason === 'declined' ? 'declined' : 'missed',
  ],
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

  /** The call's status, its row locked until the transaction ends (participant changes queue). */
  const lockCall = (tx: PgRunner, id: number) =>
    tx.get<{ status: Call['status']; created_at: string }>(
      sql`SELECT status, created_at FROM calls WHERE id = ${id} FOR UPDATE`,
    )

  const statusOf = async (tx: PgRunner, id: number, userId: string) =>
    (
      await tx.get<{ status: string }>(
        sql`SELECT status FROM call_participants WHERE call_id = ${id} AND user_id = ${userId}`,
      )
    )?.status

  const countWith = async (tx: PgRunner, id: number, status: 'invited' | 'joined') =>
    (
      await tx.get<{ n: number }>(sql`
        SELECT count(*) AS n FROM call_participants WHERE call_id = ${id} AND status = ${status}`)
    )?.n ?? 0

  const answer = (id: number, userId: string, deadline: number) =>
    db.transaction(async (tx): Promise<ParticipantChange | undefined> => {
      const call = await lockCall(tx, id)
      if (!call || call.status === 'ended' || (await statusOf(tx, id, userId)) !== 'invited')
        return undefined
      await tx.run(sql`
        UPDATE call_participants SET status = 'joined', ring_deadline = NULL
        WHERE call_id = ${id} AND user_id = ${userId}`)
      const answered = call.status === 'waiting'
      if (answered)
        await tx.run(sql`
          UPDATE calls SET status = 'in_progress', answered_at = ${isoNow()}, deadline = ${deadline}
          WHERE id = ${id}`)
      const updated = await byId(id, tx)
      return updated && { call: updated, ended: false, answered }
    })

  return {
    byId: (id) => byId(id),

    async byRoomId(roomId) {
      const row = await db.get<CallRow>({
        text: `${SELECT_CALL} WHERE c.room_id = ?`,
        params: [roomId],
      })
      return row && toCall(row)
    },

    async createIfFree(callerId, calleeIds, callType, deadline) {
      const callees = typeof calleeIds === 'string' ? [calleeIds] : calleeIds
      const [firstCallee] = callees
      if (firstCallee === undefined) throw new Error('a call needs a callee')
      try {
        return await db.transaction(async (tx) => {
          const createdAt = isoNow()
          const roomId = randomBytes(16).toString('base64url')
          const row = await tx.get<{ id: number }>(sql`
            INSERT INTO calls (room_id, caller_id, callee_id, call_type, status, created_at, deadline)
            VALUES (${roomId}, ${callerId}, ${firstCallee}, ${callType}, 'waiting', ${createdAt}, ${deadline})
            RETURNING id`)
          if (!row) throw new Error('INSERT … RETURNING returned no row')
          // The busy invariant: this fails with unique_violation if anyone has an open call. Rows
          // go in sorted order, so two opposite calls wait on each other instead of deadlocking.
          for (const userId of [callerId, ...callees].sort())
            await tx.run(
              sql`INSERT INTO busy_users (user_id, call_id) VALUES (${userId}, ${row.id})`,
            )
          await tx.run(sql`
            INSERT INTO call_participants (user_id, created_at, call_id, role, status, seq)
            VALUES (${callerId}, ${createdAt}, ${row.id}, 'caller', 'joined', 0)`)
          for (const [i, calleeId] of callees.entries())
            await tx.run(sql`
              INSERT INTO call_participants
                (user_id, created_at, call_id, role, status, seq, ring_deadline)
              VALUES (${calleeId}, ${createdAt}, ${row.id}, 'callee', 'invited', ${i + 1}, ${deadline})`)
          return byId(row.id, tx)
        })
      } catch (error) {
        if (isUniqueViolation(error)) return undefined
        throw error
      }
    },

    async markAnswered(id, deadline) {
      const call = await db.get<{ callee_id: string }>(
        sql`SELECT callee_id FROM calls WHERE id = ${id} AND status = 'waiting'`,
      )
      const change = call && (await answer(id, call.callee_id, deadline))
      return change?.answered ? change.call : undefined
    },

    answer,

    depart(id, userId, to) {
      return db.transaction(async (tx): Promise<ParticipantChange | undefined> => {
        const call = await lockCall(tx, id)
        const from = to === 'declined' ? 'invited' : 'joined'
        if (!call || call.status === 'ended' || (await statusOf(tx, id, userId)) !== from)
          return undefined
        await tx.run(sql`
          UPDATE call_participants SET status = ${to}, ring_deadline = NULL
          WHERE call_id = ${id} AND user_id = ${userId}`)
        await tx.run(sql`DELETE FROM busy_users WHERE user_id = ${userId} AND call_id = ${id}`)
        const reason: EndReason | undefined =
          call.status === 'waiting'
            ? (await countWith(tx, id, 'invited')) === 0
              ? 'declined'
              : undefined
            : (await countWith(tx, id, 'joined')) < 2
              ? 'completed'
              : undefined
        if (reason) await tx.all(endWhere(isoNow(), reason, sql`id = ${id}`))
        const updated = await byId(id, tx)
        return updated && { call: updated, ended: reason !== undefined, answered: false }
      })
    },

    async invite(id, inviterId, userId, deadline) {
      try {
        return await db.transaction(async (tx): Promise<InviteOutcome> => {
          const call = await lockCall(tx, id)
          if (call?.status !== 'in_progress') return { refused: 'not_in_progress' }
          if ((await statusOf(tx, id, inviterId)) !== 'joined') return { refused: 'not_joined' }
          const current = await statusOf(tx, id, userId)
          if (current === 'invited' || current === 'joined') return { refused: 'already_in_call' }
          const people =
            (
              await tx.get<{ n: number }>(
                sql`SELECT count(*) AS n FROM call_participants WHERE call_id = ${id}`,
              )
            )?.n ?? 0
          if (current === undefined && people >= MAX_CALL_PARTICIPANTS) return { refused: 'full' }
          // The busy invariant again: unique_violation if the invitee has an open call.
          await tx.run(sql`INSERT INTO busy_users (user_id, call_id) VALUES (${userId}, ${id})`)
          if (current === undefined)
            await tx.run(sql`
              INSERT INTO call_participants
                (user_id, created_at, call_id, role, status, seq, ring_deadline)
              VALUES (${userId}, ${call.created_at}, ${id}, 'callee', 'invited', ${people}, ${deadline})`)
          else
            await tx.run(sql`
              UPDATE call_participants SET status = 'invited', ring_deadline = ${deadline}
              WHERE call_id = ${id} AND user_id = ${userId}`)
          const updated = await byId(id, tx)
          if (!updated) throw new Error('the call vanished inside its transaction')
          return { call: updated }
        })
      } catch (error) {
        if (isUniqueViolation(error)) return { refused: 'busy' }
        throw error
      }
    },

    async claimMissedInvites(at) {
      const rows = await db.all<{ call_id: number; user_id: string }>(sql`
        WITH missed AS (
          UPDATE call_participants p SET status = 'missed', ring_deadline = NULL
          FROM calls c
          WHERE c.id = p.call_id AND c.status = 'in_progress'
            AND p.status = 'invited' AND p.ring_deadline <= ${at}
          RETURNING p.call_id, p.user_id),
        freed AS (
          DELETE FROM busy_users b USING missed m
          WHERE b.user_id = m.user_id AND b.call_id = m.call_id)
        SELECT call_id, user_id FROM missed`)
      const found = await Promise.all(
        rows.map(async ({ call_id, user_id }) => ({ call: await byId(call_id), userId: user_id })),
      )
      return found.flatMap(({ call, userId }) => (call ? [{ call, userId }] : []))
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
        text: `${SELECT_CALL}
               JOIN call_participants me ON me.call_id = c.id
               WHERE me.user_id = ? AND me.status IN ('invited', 'joined')
               ORDER BY c.created_at DESC, c.id DESC`,
        params: [userId],
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
      const row = await db.get<CallStats & Record<string, unknown>>({
        text: `
        SELECT count(*)                                             AS total_calls,
               count(*) FILTER (WHERE o.outcome = 'completed')      AS completed,
               count(*) FILTER (WHERE o.outcome = 'missed')         AS missed,
               count(*) FILTER (WHERE o.outcome = 'declined')       AS declined,
               coalesce(sum(o.duration_s), 0)                       AS total_duration_s,
               coalesce(round(avg(o.duration_s), 1), 0)             AS avg_duration_s
        FROM (${PARTICIPANT_OUTCOME}) o`,
        params: [userId],
      })
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
