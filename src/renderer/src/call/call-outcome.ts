import type { Call, User } from 'veracall-signaling/protocol'
import type { AppState } from '../store/index.js'
import type { CallNotice, CallSummary } from '../store/slices/call.js'
import { nameOf } from '../store/selectors.js'
import type { PlatformNotification } from '../platform/platform.js'

/** What the caller is told when an outgoing call ends unanswered; any other reason is `failed`. */
const UNANSWERED_NOTICE: Partial<Record<CallSummary['reason'], CallNotice['kind']>> = {
  declined: 'declined',
  missed: 'unanswered',
  cancelled: 'cancelled',
}

export interface CallOutcome {
  summary: CallSummary | null
  notice: CallNotice | null
  /** An incoming call that ended unanswered: the OS is told too (missed / cancelled). */
  notification: PlatformNotification | null
}

/**
 * How a call that ends in state `s` reads: a summary for an answered call, else a notice (and a
 * notification when it was ringing here). Pure: `t` words the notification; `people` are those
 * who were connected at some point, in that order (the summary falls back to `peer`).
 */
export function callOutcome(
  s: Pick<AppState, 'phase' | 'peer' | 'connectedAt' | 'callType' | 'direction' | 'quality'>,
  call: Call | null,
  reason: CallSummary['reason'],
  now: number,
  t: (key: string, vars?: Record<string, string>) => string,
  people: readonly User[] = [],
): CallOutcome {
  const peer = s.peer
  const wasIncoming = s.phase === 'incoming'
  const answered = s.connectedAt !== null || s.phase === 'active' || s.phase === 'connecting'
  if (answered && peer && call) {
    const local = s.connectedAt ? Math.round((now - s.connectedAt) / 1000) : 0
    const summary: CallSummary = {
      callId: call.id,
      peer,
      people: people.length > 0 ? [...people] : [peer],
      callType: s.callType,
      direction: s.direction,
      reason,
      durationS: call.duration_s ?? local,
      quality: s.quality,
    }
    return { summary, notice: null, notification: null }
  }
  if (!peer) return { summary: null, notice: null, notification: null }
  // A call the caller cancelled reads "cancelled" on both sides, as in history; not "missed".
  const cancelled = wasIncoming && reason === 'cancelled'
  const kind: CallNotice['kind'] = wasIncoming
    ? cancelled
      ? 'cancelledByCaller'
      : 'missed'
    : (UNANSWERED_NOTICE[reason] ?? 'failed')
  const notice: CallNotice = { kind, peerNames: [nameOf(peer)], at: now }
  const notification = wasIncoming
    ? {
        title: t(cancelled ? 'notify.cancelledTitle' : 'notify.missedTitle'),
        body: t(cancelled ? 'notify.cancelledBody' : 'notify.missedBody', { name: nameOf(peer) }),
        tag: `call-${call?.id ?? 0}`,
      }
    : null
  return { summary: null, notice, notification }
}
