import type { FastifyBaseLogger } from 'fastify'
import { ApiError } from '../api-error.js'
import type { CallsRepository } from '../db/repositories/calls.js'
import type { UsersRepository } from '../db/repositories/users.js'
import type { Call, CallEventMessage, CallType, EndReason, EventType } from '../protocol/index.js'
import { userTopic, type Fanout } from '../ws/fanout.js'

export interface CallServiceDeps {
  calls: CallsRepository
  users: UsersRepository
  fanout: Fanout
  ringTimeoutMs: number
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
  log,
  onEnded,
}: CallServiceDeps) {
  const ringTimers = new Map<number, NodeJS.Timeout>()

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

  const finish = (
    callId: number,
    reason: EndReason,
    actorId: string,
    event: EventType,
  ): Call | undefined => {
    stopRinging(callId)
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

    close(): void {
      for (const timer of ringTimers.values()) clearTimeout(timer)
      ringTimers.clear()
    },
  }
}

export type CallService = ReturnType<typeof createCallService>
