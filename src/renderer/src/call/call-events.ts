import Value from 'typebox/value'
import { CallEventData, type Call, type Envelope } from 'veracall-signaling/protocol'
import type { Platform } from '../platform/platform.js'
import type { AppStore } from '../store/index.js'
import type { CallSummary } from '../store/slices/call.js'
import { otherParty } from '../store/selectors.js'
import type { ApiClient } from '../signaling/api-client.js'
import { announceIncoming } from './incoming.js'
import { findRejoinable } from './rejoin.js'
import type { Ringer } from './ringer.js'
import { isGroupCall, isInvitee } from './mesh-roles.js'

/**
 * The events socket's side of a call: a call ringing here (announced through the platform, which
 * decides whether it rings), the other side answering, declining or ending. Ending goes back
 * through `finish`, the call controller's one way out of a call.
 */
export class CallEvents {
  constructor(
    private readonly deps: {
      store: AppStore
      platform: Platform
      t: (key: string, vars?: Record<string, string>) => string
      api: () => ApiClient | null
      ringer: Ringer
      finish: (call: Call, reason: CallSummary['reason']) => void
    },
  ) {}

  async onEvent(message: Envelope): Promise<void> {
    if (!Value.Check(CallEventData, message.data)) return
    const call = message.data.call
    const s = this.deps.store.getState()
    if (!s.user) return
    const current = s.call
    // The call this app could rejoin ended, or this person left it from another device.
    if (
      s.rejoinable?.id === call.id &&
      (message.type === 'call_ended' || message.type === 'participant_left')
    ) {
      s.setRejoinable(findRejoinable([call], s.user.id))
    }
    switch (message.type) {
      case 'incoming_call':
        return this.ringIn(call, s.user.id)
      case 'call_accepted':
        // A group call keeps ringing for its other callees: only their tiles say so.
        if (current?.id === call.id) this.deps.ringer.stop()
        if (current?.id === call.id && s.phase === 'outgoing') s.callAccepted(call)
        else s.callUpdated(call)
        return
      case 'call_declined':
        if (current?.id === call.id) this.deps.finish(call, 'declined')
        return
      case 'call_ended':
        if (current?.id === call.id) this.deps.finish(call, call.end_reason ?? 'completed')
        return
      // Group calls: someone invited, joined, declined, left or missed; the call goes on. The
      // controller follows the call's list (connections, tiles).
      case 'participant_invited':
      case 'participant_joined':
      case 'participant_declined':
      case 'participant_left':
      case 'participant_missed':
        s.callUpdated(call)
        return
      default:
        return
    }
  }

  /**
   * A call that started ringing while the events socket was down would otherwise be missed; a
   * call in progress that this app is no longer in (reloaded, reopened) is offered to rejoin.
   */
  async catchUpRinging(): Promise<void> {
    const self = this.deps.store.getState().user?.id
    const api = this.deps.api()
    if (!api || !self) return
    const calls = await api.activeCalls().catch(() => [])
    const now = this.deps.store.getState()
    if (now.phase === 'idle' || now.phase === 'ended')
      now.setRejoinable(findRejoinable(calls, self))
    // Ringing here: a call placed to us, or (group calls) one we were invited into.
    const ringing = calls.find(
      (c) =>
        (c.status === 'waiting' || isGroupCall(c)) && c.status !== 'ended' && isInvitee(c, self),
    )
    if (ringing && this.deps.store.getState().phase === 'idle') {
      await this.onEvent({
        type: 'incoming_call',
        call_id: ringing.room_id,
        data: { call: ringing },
        timestamp: Date.now(),
      })
    }
  }

  private async ringIn(call: Call, self: string): Promise<void> {
    const { store, ringer } = this.deps
    const s = store.getState()
    if (!isInvitee(call, self)) return
    // The same call again (socket catch-up): it is already ringing.
    if (s.phase === 'incoming' && s.call?.id === call.id) return
    if (s.phase !== 'idle' && s.phase !== 'ended') {
      // Already in a call: this app takes one at a time, so it says no rather than ring over it.
      await this.deps
        .api()
        ?.declineCall(call.id)
        .catch(() => undefined)
      return
    }
    const caller = call.caller ?? otherParty(call, self)
    if (!caller) return
    s.callIncoming(call, caller)
    ringer.stop()
    const ring = await announceIncoming(this.deps.platform, this.deps.t, call, caller)
    const now = store.getState()
    if (ring && now.phase === 'incoming' && now.call?.id === call.id) ringer.ring()
  }
}
