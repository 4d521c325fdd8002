import type {
  Call,
  CallStats,
  CallType,
  EndReason,
  Participant,
  ParticipantRole,
  ParticipantStatus,
  User,
} from '../../protocol/index.js'

/** One participant as the JSON aggregate of either database gives it. */
interface ParticipantJson {
  user_id: string
  role: ParticipantRole
  status: ParticipantStatus
  seq: number
  username: string
  display_name: string
}

/** A call as both databases return it: the call's columns, its caller's and first callee's names, its participants. */
export interface CallRow extends Record<string, unknown> {
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
  /** JSON text (SQLite) or parsed JSON (Postgres). */
  participants: string | ParticipantJson[] | null
}

/** What each database aggregates a call's participants with (one index range per call). */
export const SQLITE_PARTICIPANTS = `(
  SELECT json_group_array(json_object('user_id', p.user_id, 'role', p.role, 'status', p.status,
           'seq', p.seq, 'username', u.username, 'display_name', u.display_name))
  FROM call_participants p JOIN users u ON u.id = p.user_id WHERE p.call_id = c.id)`
export const POSTGRES_PARTICIPANTS = `(
  SELECT json_agg(json_build_object('user_id', p.user_id, 'role', p.role, 'status', p.status,
           'seq', p.seq, 'username', u.username, 'display_name', u.display_name) ORDER BY p.seq)
  FROM call_participants p JOIN users u ON u.id = p.user_id WHERE p.call_id = c.id)`

/**
 * Every call read joins its caller and first callee and aggregates its participants, so responses
 * carry their names (the same SQL on both databases but for the aggregate).
 */
export const selectCall = (participants: string): string => `
  SELECT c.*,
         a.username AS caller_username, a.display_name AS caller_display_name,
         b.username AS callee_username, b.display_name AS callee_display_name,
         ${participants} AS participants
  FROM calls c
  JOIN users a ON a.id = c.caller_id
  JOIN users b ON b.id = c.callee_id`

function toParticipants(value: CallRow['participants']): Participant[] {
  const list: ParticipantJson[] = typeof value === 'string' ? JSON.parse(value) : (value ?? [])
  // SQLite's json_group_array has no ORDER BY: the order is restored here, on both databases.
  return [...list]
    .sort((x, y) => x.seq - y.seq)
    .map((p) => ({
      user_id: p.user_id,
      role: p.role,
      status: p.status,
      user: { id: p.user_id, username: p.username, display_name: p.display_name },
    }))
}

export function toCall(row: CallRow): Call {
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
    participants: toParticipants(row.participants),
  }
}

export const EMPTY_STATS: CallStats = {
  total_calls: 0,
  completed: 0,
  missed: 0,
  declined: 0,
  total_duration_s: 0,
  avg_duration_s: 0,
}

/**
 * Each of one user's calls (`?` is the user id) with its outcome for them, so that history stats
 * count per participant: a callee who declined or missed a group call that others held counts it
 * as declined or missed, not completed. The caller's outcome is the call's; a callee's is their
 * own (`missed` if it rang out or ended while ringing, unless it was cancelled or interrupted). The
 * duration counts only for those who were in the answered call. For a 1:1 call this is exactly the
 * call's end reason and duration, as before group calls. Same SQL on both databases.
 */
export const PARTICIPANT_OUTCOME = `
  SELECT CASE
           WHEN p.role = 'caller' THEN c.end_reason
           WHEN p.status = 'declined' THEN 'declined'
           WHEN p.status = 'missed' AND c.end_reason NOT IN ('cancelled', 'interrupted') THEN 'missed'
           WHEN p.status = 'left' THEN c.end_reason
         END AS outcome,
         CASE WHEN p.role = 'caller' OR p.status IN ('left', 'joined') THEN c.duration_s END
           AS duration_s
  FROM call_participants p JOIN calls c ON c.id = p.call_id
  WHERE p.user_id = ?`
