import type { RingDecision } from '../../shared/ipc-contract.js'

/**
 * What to do when a call comes in, as a pure decision. Do-not-disturb is silent and records the
 * call as missed; a call while already in one shows a quiet notification (no ringtone, no
 * flashing) so the user can still pick it; a repeat of a call already ringing is ignored.
 */
export interface RingContext {
  doNotDisturb: boolean
  inCall: boolean
  /** Calls currently ringing. */
  ringing: ReadonlySet<number>
  windowFocused: boolean
  notificationsSupported: boolean
}

export interface RingPlan extends RingDecision {
  /** Show an OS notification (with Accept/Decline where the OS has actions). */
  notify: boolean
  /** Make the notification silent (no OS sound). */
  silent: boolean
  /** Flash the taskbar button or bounce the dock. */
  attention: boolean
  /** Keep it for the "missed while away" summary. */
  recordMissed: boolean
}

/** No ringtone, no notification, no attention: only whether to remember the call differs. */
function stayQuiet(reason: 'duplicate' | 'do_not_disturb', recordMissed: boolean): RingPlan {
  return { ring: false, reason, notify: false, silent: true, attention: false, recordMissed }
}

export function decideRing(callId: number, ctx: RingContext): RingPlan {
  if (ctx.ringing.has(callId)) return stayQuiet('duplicate', false)
  if (ctx.doNotDisturb) return stayQuiet('do_not_disturb', true)
  if (ctx.inCall) {
    return {
      ring: false,
      reason: 'busy',
      notify: ctx.notificationsSupported,
      silent: true,
      attention: false,
      recordMissed: false,
    }
  }
  return {
    ring: true,
    reason: 'ring',
    // The ringing screen is already in front of a focused window: no toast on top of it.
    notify: ctx.notificationsSupported && !ctx.windowFocused,
    silent: false,
    attention: !ctx.windowFocused,
    recordMissed: false,
  }
}
