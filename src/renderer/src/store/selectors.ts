import type { AppState } from './types.js'
import type { Call, User } from 'veracall-signaling/protocol'
import type { QualityLevel } from '../call/stats.js'
import { MAX_CALL_PARTICIPANTS } from 'veracall-signaling/protocol'
import { HISTORY_PAGE_SIZE } from './slices/history.js'

export const selectIsSignedIn = (s: AppState): boolean => s.authStatus === 'signed_in'
export const selectPeerName = (s: AppState): string => nameOf(s.peer)
export const selectInCall = (s: AppState): boolean =>
  s.phase === 'connecting' || s.phase === 'active'
/**
 * The chip's level. While media is down (the path died, or the other app left the room) the last
 * sample is stale, so the chip says poor rather than keep its last "good"; a dropped signaling
 * socket alone leaves media, and so the sample, valid.
 */
export const selectQualityLevel = (s: AppState): QualityLevel =>
  s.reconnecting === 'media' || s.reconnecting === 'peer' ? 'poor' : (s.quality?.level ?? 'unknown')
export const selectHistoryPages = (s: AppState): number =>
  Math.max(1, Math.ceil(s.historyTotal / HISTORY_PAGE_SIZE))

/** The other participant of a call, from the viewer's side. */
export function otherParty(call: Call, selfId: string): User | null {
  const other = call.caller_id === selfId ? call.callee : call.caller
  return other ?? null
}

/** Display name with the username as fallback. */
export const nameOf = (user: User | null | undefined): string =>
  user ? user.display_name || user.username : ''

/** Recent distinct people from history, newest first, for one-click redial. */
export function selectRecentPeople(s: AppState): User[] {
  const self = s.user?.id
  if (!self) return []
  const seen = new Set<string>()
  const people: User[] = []
  for (const call of s.historyCalls) {
    const other = otherParty(call, self)
    if (other && !seen.has(other.id)) {
      seen.add(other.id)
      people.push(other)
    }
  }
  return people.slice(0, 6)
}

/**
 * Everyone else ringing or in the current call, by name (a new array: select it with useShallow),
 * to be listed with `listNames`.
 */
export function selectOtherNames(s: AppState): string[] {
  const self = s.user?.id
  return (s.call?.participants ?? [])
    .filter((p) => p.user_id !== self && (p.status === 'joined' || p.status === 'invited'))
    .map((p) => nameOf(p.user))
    .filter((n) => n !== '')
}

/** The current call has MAX_CALL_PARTICIPANTS people ringing or in it: nobody can be added. */
export const selectCallFull = (s: AppState): boolean =>
  (s.call?.participants ?? []).filter((p) => p.status === 'joined' || p.status === 'invited')
    .length >= MAX_CALL_PARTICIPANTS
