import type { FastifyBaseLogger } from 'fastify'
import { ApiError } from '../api-error.js'
import { systemClock, type Clock } from '../clock.js'
import type { CallsStore, UsersStore } from '../db/storage.js'
import type { Call, CallEventMessage, CallType, EndReason, EventType } from '../protocol/index.js'
import { roomTopic, userTopic, type Fanout } from '../ws/fanout.js'
import { startSweeper } from './sweeper.js'

/** In-progress calls looked at per sweep; the rest wait for the next one. */
const SWEEP_BATCH = 100

export interface CallServiceDeps {
  calls: CallsStore
  users: UsersStore
  fanout: Fanout
  ringTimeoutMs: number
  /** How long an answered call's room may stay empty before the call ends as `interrupted`. */
  emptyRoomTimeoutMs: number
  /** How often every node sweeps for due deadlines, whoever set them. */
  sweepIntervalMs: number
  log: FastifyBaseLogger
  clock?: Clock
  /** Called after a call ends, e.g. to close its room's sockets. */
  onEnded?: (call: Call) => void
}

/**
 * The call state machine: waiting → in_progress → ended, and waiting → ended. Every transition is
 * a compare-and-set in the database, so a ring timeout racing an accept, or two nodes ending the
 * same call, produce one outcome and one push. Deadlines (the ring timeout, the empty-room grace)
 * are stored with the call and ended by whichever node's sweeper claims them first, so a call
 * placed through a node that then dies still ends on time. Participants are told through their
 * `/ws/events` channel after the change is committed.
 */
export function createCallService({
  calls,
  users,
  fanout,
  ringTimeoutMs,
  emptyRoomTimeoutMs,
  sweepIntervalMs,
  log,
  clock = systemClock,
  onEnded,
}: CallServiceDeps) {
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

  /** What follows every end, whoever ended the call: one push per participant, the room closed. */
  const ended = (call: Call, actorId: string, event: EventType): Call => {
    notify(event, call, actorId)
    onEnded?.(call)
    return call
  }

  /**
   * Ends what is due: ringing calls past their deadline as `missed` (one atomic claim), and
   * answered calls whose room is still empty at their deadline as `interrupted` (nobody calls
   * /calls/end when both apps crash, and the call would keep both users busy for good). A room
   * with someone in it moves its deadline on instead.
   */
  const sweep = async (): Promise<number> => {
    const now = clock()
    let count = 0
    // The callee's id fills the envelope's user_id of a missed call: nobody acted.
    for (const call of await calls.claimMissed(now)) {
      ended(call, call.callee_id, 'call_ended')
      count++
    }
    for (const due of await calls.dueInProgress(now, SWEEP_BATCH)) {
      if (closed) break
      const present = await fanout.members(roomTopic(due.room_id))
      if (present.length > 0) {
        const next = now + emptyRoomTimeoutMs
        if (await calls.extendDeadline(due.id, due.deadline, next)) sweeper.wakeAt(next)
        continue
      }
      const call = await calls.endIfDeadline(due.id, due.deadline, 'interrupted')
      if (!call) continue
      log.info({ callId: call.id }, 'ended a call whose room stayed empty')
      ended(call, call.caller_id, 'call_ended')
      count++
    }
    return count
  }

  const sweeper = startSweeper({
    sweep,
    clock,
    intervalMs: sweepIntervalMs,
    onError: (error) => log.error({ err: error }, 'deadline sweep failed'),
  })

  const finish = async (
    callId: number,
    reason: EndReason,
    actorId: string,
    event: EventType,
  ): Promise<Call | undefined> => {
    const call = await calls.markEnded(callId, reason)
    return call && ended(call, actorId, event)
  }

  /** The call if `userId` takes part in it; 404 if it doesn't exist, 403 if it isn't theirs. */
  const participantCall = async (userId: string, callId: number): Promise<Call> => {
    const call = await calls.byId(callId)
    if (!call) throw new ApiError(404, 'not_found', 'No call with that id')
    if (call.caller_id !== userId && call.callee_id !== userId) {
      throw new ApiError(403, 'forbidden', 'You are not a participant of this call')
    }
    return call
  }

  const calleeWaitingCall = async (userId: string, callId: number, action: string) => {
    const call = await participantCall(userId, callId)
    if (call.callee_id !== userId)
      throw new ApiError(403, 'forbidden', `Only the callee can ${action} a call`)
    if (call.status !== 'waiting')
      throw new ApiError(409, 'conflict', `The call is ${call.status}, it can't be ${action}ed`)
    return call
  }

  return {
    async start(callerId: string, calleeId: string, callType: CallType): Promise<Call> {
      if (callerId === calleeId)
        throw new ApiError(400, 'invalid_input', 'You cannot call yourself')
      if (!(await users.findById(calleeId)))
        throw new ApiError(404, 'not_found', 'No user with that id')
      const deadline = clock() + ringTimeoutMs
      const call = await calls.createIfFree(callerId, calleeId, callType, deadline)
      if (!call)
        throw new ApiError(409, 'busy', 'You or the person you are calling is already in a call')
      sweeper.wakeAt(deadline)
      notify('incoming_call', call, callerId)
      return call
    },

    async accept(userId: string, callId: number): Promise<Call> {
      await calleeWaitingCall(userId, callId, 'accept')
      // The grace starts at the accept: it covers participants who never connect to the room.
      const deadline = clock() + emptyRoomTimeoutMs
      const call = await calls.markAnswered(callId, deadline)
      if (!call)
        throw new ApiError(409, 'conflict', 'The call stopped ringing before it was accepted')
      sweeper.wakeAt(deadline)
      notify('call_accepted', call, userId)
      return call
    },

    async decline(userId: string, callId: number): Promise<Call> {
      await calleeWaitingCall(userId, callId, 'decline')
      const call = await finish(callId, 'declined', userId, 'call_declined')
      if (!call)
        throw new ApiError(409, 'conflict', 'The call stopped ringing before it was declined')
      return call
    },

    /** Ending an ended call returns it unchanged (idempotent hang-up). */
    async end(userId: string, callId: number): Promise<Call> {
      const call = await participantCall(userId, callId)
      if (call.status === 'ended') return call
      const reason: EndReason =
        call.status === 'in_progress'
          ? 'completed'
          : userId === call.caller_id
            ? 'cancelled'
            : 'declined'
      // The event names the stored outcome: a callee hanging up on a ringing call declined it.
      const event: EventType = reason === 'declined' ? 'call_declined' : 'call_ended'
      return (
        (await finish(callId, reason, userId, event)) ?? (await participantCall(userId, callId))
      )
    },

    /** One node, at start-up: calls left open by a crash can't be live any more. */
    recover(): Promise<number> {
      return calls.endAllOpen('interrupted')
    },

    /** Ends what is due now (the sweeper calls this; tests call it with a fake clock). */
    sweep,

    /** A participant's socket left the room: if nobody is left in it, the grace starts now. */
    async roomLeft(callId: number): Promise<void> {
      if (closed) return
      const call = await calls.byId(callId)
      if (call?.status !== 'in_progress') return
      const present = await fanout.members(roomTopic(call.room_id))
      if (closed || present.length > 0) return
      const deadline = clock() + emptyRoomTimeoutMs
      if (await calls.setDeadline(call.id, deadline)) sweeper.wakeAt(deadline)
    },

    async close(): Promise<void> {
      closed = true
      await sweeper.close()
    },
  }
}

export type CallService = ReturnType<typeof createCallService>
