import type { Call } from 'veracall-signaling/protocol'

/**
 * The call in progress that `selfId` is still part of without being in it here (the app was
 * reloaded or reopened mid-call), from `GET /calls/active`; null when there is none. A group call
 * too: rejoining connects again to everyone still in it.
 */
export function findRejoinable(calls: readonly Call[], selfId: string): Call | null {
  return (
    calls.find((call) => {
      if (call.status !== 'in_progress') return false
      const people = call.participants
      if (!people) return call.caller_id === selfId || call.callee_id === selfId
      return people.some((p) => p.user_id === selfId && p.status === 'joined')
    }) ?? null
  )
}
