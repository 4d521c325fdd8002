import type { FastifyBaseLogger } from 'fastify'
import { ApiError } from '../api-error.js'
import type { CallsRepository } from '../db/repositories/calls.js'
import type { UsersRepository } from '../db/repositories/users.js'
import type { Call, CallEventMessage, CallType, EndReason, EventType } from '../protocol/index.js'
import { roomTopic, userTopic, type Fanout } from '../ws/fanout.js'

export interface CallServiceDeps {
  calls: CallsRepository
  users: UsersRepository
  fanout: Fanout
  ringTimeoutMs: number
  /** How long an answered call's room may stay empty before the call ends as `interrupted`. */
  emptyRoomTimeoutMs: number
  log: FastifyBaseLogger
  /** Called after a call ends, e.g. to close its room's sockets. */
  onEnded?: (call: Call) => void
}

/**
 * The call state machine: waiting → in_progress → ended, and waiting → ended. Every transition is
 * a conditional UPDATE, so a ring timeout racing an accept can't both win. Participants are told
 * through their `/ws/events` channel after the change is committed.
 */
export function createCallService({
  calls,
  users,
  fanout,
  ringTimeoutMs,
  emptyRoomTimeoutMs,
  log,
  onEnded,
}: CallServiceDeps) {
  const ringTimers = new Map<number, NodeJS.Timeout>()
  const emptyRoomTimers = new Map<number, NodeJS.Timeout>()
  let closed = false

  const notify = (type: EventType, call: Call, actorId: string): void => {
    const message: CallEventMessage = {
      type,
      call_id: call.room_id,
      user_id: actorId,
      data: { call },
      timestamp: Date.now(),
    }
    const payload = JSON.stringify(message)
    for (const userId of [call.caller_id, call.callee_id]) {
      fanout
        .publish(userTopic(userId), payload)
        .catch((error: unknown) => log.error({ err: error }, 'event publish failed'))
    }
  }

  const stopRinging = (callId: number): void => {
    clearTimeout(ringTimers.get(callId))
    ringTimers.delete(callId)
  }

  const stopWatchingRoom = (callId: number): void => {
    clearTimeout(emptyRoomTimers.get(callId))
    emptyRoomTimers.delete(callId)
  }

  /**
   * Nobody calls /calls/end when both apps crash or lose the network mid-call, and the call would
   * keep both users busy (409) for good: end it if its room is still empty when the grace is up.
   */
  const watchEmptyRoom = (call: Call): void => {
    stopWatchingRoom(call.id)
    const timer = setTimeout(() => {
      emptyRoomTimers.delete(call.id)
      fanout
        .members(roomTopic(call.room_id))
        .then((present) => {
          if (closed || present.length > 0) return
          // Nobody acted: the caller's id fills the envelope's user_id.
          if (finish(call.id, 'interrupted', call.caller_id, 'call_ended'))
            log.info({ callId: call.id }, 'ended a call whose room stayed empty')
        })
        .catch((error: unknown) => log.error({ err: error }, 'empty room check failed'))
    }, emptyRoomTimeoutMs)
    timer.unref()
    emptyRoomTimers.set(call.id, timer)
  }

  const finish = (
    callId: number,
    reason: EndReason,
    actorId: string,
    event: EventType,
  ): Call | undefined => {
    stopRinging(callId)
    stopWatchingRoom(callId)
    const ended = calls.markEnded(callId, reason)
    if (ended) {
      notify(event, ended, actorId)
      onEnded?.(ended)
    }
    return ended
  }

  /** The call if `userId` takes part in it; 404 if it doesn't exist, 403 if it isn't theirs. */
  const participantCall = (userId: string, callId: number): Call => {
    const call = calls.byId(callId)
    if (!call) throw new ApiError(404, 'not_found', 'No call with that id')
    if (call.caller_id !== userId && call.callee_id !== userId) {
      throw new ApiError(403, 'forbidden', 'You are not a participant of this call')
    }
    return call
  }

  const calleeWaitingCall = (userId: string, callId: number, action: string): Call => {
    const call = participantCall(userId, callId)
    if (call.callee_id !== userId)
      throw new ApiError(403, 'forbidden', `Only the callee can ${action} a call`)
    if (call.status !== 'waiting')
      throw new ApiError(409, 'conflict', `The call is ${call.status}, it can't be ${action}ed`)
    return call
  }

  return {
    start(callerId: string, calleeId: string, callType: CallType): Call {
      if (callerId === calleeId)
        throw new ApiError(400, 'invalid_input', 'You cannot call yourself')
      if (!users.findById(calleeId)) throw new ApiError(404, 'not_found', 'No user with that id')
      const call = calls.createIfFree(callerId, calleeId, callType)
      if (!call)
        throw new ApiError(409, 'busy', 'You or the person you are calling is already in a call')
      const timer = setTimeout(() => {
        ringTimers.delete(call.id)
        finish(call.id, 'missed', call.callee_id, 'call_ended')
      }, ringTimeoutMs)
      timer.unref()
      ringTimers.set(call.id, timer)
      notify('incoming_call', call, callerId)
      return call
    },

    accept(userId: string, callId: number): Call {
      calleeWaitingCall(userId, callId, 'accept')
      stopRinging(callId)
      const call = calls.markAnswered(callId)
      if (!call)
        throw new ApiError(409, 'conflict', 'The call stopped ringing before it was accepted')
      notify('call_accepted', call, userId)
      // Covers participants who never connect a socket to the room at all.
      watchEmptyRoom(call)
      return call
    },

    decline(userId: string, callId: number): Call {
      calleeWaitingCall(userId, callId, 'decline')
      const call = finish(callId, 'declined', userId, 'call_declined')
      if (!call)
        throw new ApiError(409, 'conflict', 'The call stopped ringing before it was declined')
      return call
    },

    /** Ending an ended call returns it unchanged (idempotent hang-up). */
    end(userId: string, callId: number): Call {
      const call = participantCall(userId, callId)
      if (call.status === 'ended') return call
      const reason: EndReason =
        call.status === 'in_progress'
          ? 'completed'
          : userId === call.caller_id
            ? 'cancelled'
            : 'declined'
      // The event names the stored outcome: a callee hanging up on a ringing call declined it.
      const event: EventType = reason === 'declined' ? 'call_declined' : 'call_ended'
      return finish(callId, reason, userId, event) ?? participantCall(userId, callId)
    },

    /** Calls left open by a crash can't be live any more: end them as `interrupted`. */
    recover(): number {
      return calls.endAllOpen('interrupted')
    },

    /** A participant's socket is in the call's room: the call is not abandoned. */
    roomJoined(callId: number): void {
      stopWatchingRoom(callId)
    },

    /** A participant's socket left the room: if nobody is left in it, start the grace period. */
    async roomLeft(callId: number): Promise<void> {
      if (closed) return
      const call = calls.byId(callId)
      if (call?.status !== 'in_progress') return
      const present = await fanout.members(roomTopic(call.room_id))
      if (!closed && present.length === 0) watchEmptyRoom(call)
    },

    close(): void {
      closed = true
      for (const timer of [...ringTimers.values(), ...emptyRoomTimers.values()]) clearTimeout(timer)
      ringTimers.clear()
      emptyRoomTimers.clear()
    },
  }
}

export type CallService = ReturnType<typeof createCallService>
