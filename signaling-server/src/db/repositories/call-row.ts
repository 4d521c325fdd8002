import type { Call, CallStats, CallType, EndReason, User } from '../../protocol/index.js'

/** A call as both databases return it: the call's columns plus its two participants' names. */
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
}

/** Every call read joins its two participants, so responses carry their names (same SQL on both databases). */
export const SELECT_CALL = `
  SELECT c.*,
         a.username AS caller_username, a.display_name AS caller_display_name,
         b.username AS callee_username, b.display_name AS callee_display_name
  FROM calls c
  JOIN users a ON a.id = c.caller_id
  JOIN users b ON b.id = c.callee_id`

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
