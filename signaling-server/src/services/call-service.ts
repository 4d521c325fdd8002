import type { FastifyBaseLogger } from 'fastify'
import { ApiError } from '../api-error.js'
import { systemClock, type Clock } from '../clock.js'
import type { CallsStore, InviteOutcome, ParticipantChange, UsersStore } from '../db/storage.js'
import {
  MAX_CALL_PARTICIPANTS,
  type Call,
  type CallEventMessage,
  type CallType,
  type EndReason,
  type EventType,
  type Participant,
} from '../protocol/index.js'
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
  /** Called after one participant left a call that goes on, e.g. to close their room sockets. */
  onLeft?: (call: Call, userId: string) => void
}

/** What an invitation refused by the database means to the client. */
const INVITE_REFUSALS: Record<Extract<InviteOutcome, { refused: unknown }>['refused'], ApiError> = {
  not_in_progress: new ApiError(409, 'conflict', 'Only a call in progress can take more people'),
  not_joined: new ApiError(403, 'forbidden', 'Only someone in the call can invite'),
  already_in_call: new ApiError(409, 'conflict', 'That person is already in this call'),
  full: new ApiError(
    409,
    'call_full',
    `A call can have at most ${MAX_CALL_PARTICIPANTS} people, the caller included`,
  ),
  busy: new ApiError(409, 'busy', 'The person you are inviting is already in a call'),
}

const isIn = (p: Participant): boolean => p.status === 'invited' || p.status === 'joined'

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
  onLeft,
}: CallServiceDeps) {
  let closed = false

  /** Everyone in the call's list, whatever their status (for a 1:1 call: caller and callee). */
  const everyone = (call: Call): string[] =>
    call.participants?.map((p) => p.user_id) ?? [call.caller_id, call.callee_id]

  const notify = (
    type: EventType,
    call: Call,
    actorId: string,
    recipients: readonly string[] = everyone(call),
  ): void => {
    const message: CallEventMessage = {
      type,
      call_id: call.room_id,
      user_id: actorId,
      data: { call },
      timestamp: Date.now(),
    }
    const payload = JSON.stringify(message)
    for (const userId of recipients) {
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
    // A group call's invitee whose own ring ran out: the call goes on without them.
    for (const { call, userId } of await calls.claimMissedInvites(now)) {
      notify('participant_missed', call, userId)
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

  /** The call and `userId`'s place in it; 404 if it doesn't exist, 403 if it isn't theirs. */
  const participantCall = async (
    userId: string,
    callId: number,
  ): Promise<{ call: Call; me: Participant }> => {
    const call = await calls.byId(callId)
    if (!call) throw new ApiError(404, 'not_found', 'No call with that id')
    const me = call.participants?.find((p) => p.user_id === userId)
    if (!me) throw new ApiError(403, 'forbidden', 'You are not a participant of this call')
    return { call, me }
  }

  /** A callee who is being rung in an open call (each callee answers for themselves). */
  const ringingCallee = async (userId: string, callId: number, action: string) => {
    const { call, me } = await participantCall(userId, callId)
    if (me.role !== 'callee')
      throw new ApiError(403, 'forbidden', `Only the callee can ${action} a call`)
    if (call.status === 'ended')
      throw new ApiError(409, 'conflict', `The call is ${call.status}, it can't be ${action}ed`)
    if (me.status !== 'invited')
      throw new ApiError(
        409,
        'conflict',
        `You have ${me.status} this call, it can't be ${action}ed`,
      )
    return call
  }

  /** After a callee declined: the whole call ended (its last ringing callee), or it goes on. */
  const declined = (change: ParticipantChange, userId: string): Call =>
    change.ended
      ? ended(change.call, userId, 'call_declined')
      : (notify('participant_declined', change.call, userId), change.call)

  /** After a participant left: the call ended (fewer than two were left in it), or it goes on. */
  const left = (change: ParticipantChange, userId: string): Call => {
    if (change.ended) return ended(change.call, userId, 'call_ended')
    notify('participant_left', change.call, userId)
    onLeft?.(change.call, userId)
    return change.call
  }

  /** 1 to MAX_CALL_PARTICIPANTS - 1 distinct people who exist, the caller not among them. */
  const checkCallees = async (callerId: string, calleeIds: readonly string[]): Promise<void> => {
    if (calleeIds.length === 0 || calleeIds.length >= MAX_CALL_PARTICIPANTS)
      throw new ApiError(
        400,
        'invalid_input',
        `A call rings 1 to ${MAX_CALL_PARTICIPANTS - 1} people at once`,
      )
    const keys = calleeIds.map((id) => id.toLowerCase())
    if (new Set(keys).size !== keys.length)
      throw new ApiError(400, 'invalid_input', 'callee_ids must not repeat anyone')
    if (keys.includes(callerId.toLowerCase()))
      throw new ApiError(400, 'invalid_input', 'You cannot call yourself')
    const found = await Promise.all(calleeIds.map((id) => users.findById(id)))
    if (found.some((user) => !user)) throw new ApiError(404, 'not_found', 'No user with that id')
  }

  return {
    /**
     * Rings `calleeIds` (one person: the original 1:1 call; up to three: a group call). Busy if
     * anyone in it is invited to or joined in another open call.
     */
    async start(
      callerId: string,
      callees: string | readonly string[],
      callType: CallType,
    ): Promise<Call> {
      const calleeIds = typeof callees === 'string' ? [callees] : callees
      await checkCallees(callerId, calleeIds)
      const deadline = clock() + ringTimeoutMs
      const call = await calls.createIfFree(callerId, calleeIds, callType, deadline)
      if (!call)
        throw new ApiError(
          409,
          'busy',
          calleeIds.length > 1
            ? 'You or someone you are calling is already in a call'
            : 'You or the person you are calling is already in a call',
        )
      sweeper.wakeAt(deadline)
      notify('incoming_call', call, callerId)
      return call
    },

    /**
     * A callee answers for themselves. The first answer puts the call in progress
     * (`call_accepted`); later ones in a group call are `participant_joined`.
     */
    async accept(userId: string, callId: number): Promise<Call> {
      await ringingCallee(userId, callId, 'accept')
      // The grace starts at the accept: it covers participants who never connect to the room.
      const deadline = clock() + emptyRoomTimeoutMs
      const change = await calls.answer(callId, userId, deadline)
      if (!change)
        throw new ApiError(409, 'conflict', 'The call stopped ringing before it was accepted')
      if (change.answered) {
        sweeper.wakeAt(deadline)
        notify('call_accepted', change.call, userId)
      } else notify('participant_joined', change.call, userId)
      return change.call
    },

    /** A callee declines for themselves; the call ends (`declined`) once nobody is left ringing. */
    async decline(userId: string, callId: number): Promise<Call> {
      await ringingCallee(userId, callId, 'decline')
      const change = await calls.depart(callId, userId, 'declined')
      if (!change)
        throw new ApiError(409, 'conflict', 'The call stopped ringing before it was declined')
      return declined(change, userId)
    },

    /**
     * Hangs up for `userId`: a ringing callee declines, the caller of a ringing call cancels it
     * for everyone, a joined participant leaves (the call ends, `completed`, once fewer than two
     * are joined). Hanging up on a call one has already left returns it unchanged (idempotent).
     */
    async end(userId: string, callId: number): Promise<Call> {
      const { call, me } = await participantCall(userId, callId)
      if (call.status === 'ended' || !isIn(me)) return call
      const current = async () => (await participantCall(userId, callId)).call
      if (me.status === 'invited') {
        const change = await calls.depart(callId, userId, 'declined')
        return change ? declined(change, userId) : current()
      }
      if (call.status === 'waiting') {
        return (await finish(callId, 'cancelled', userId, 'call_ended')) ?? current()
      }
      const change = await calls.depart(callId, userId, 'left')
      return change ? left(change, userId) : current()
    },

    /**
     * `inviterId`, joined in a call in progress, rings `userId` into it (per-participant ring
     * timeout; `incoming_call` to them, `participant_invited` to everyone else).
     */
    async invite(inviterId: string, callId: number, userId: string): Promise<Call> {
      const { call: before } = await participantCall(inviterId, callId)
      if (userId.toLowerCase() === inviterId.toLowerCase())
        throw new ApiError(400, 'invalid_input', 'You cannot invite yourself')
      if (!(await users.findById(userId)))
        throw new ApiError(404, 'not_found', 'No user with that id')
      if (before.status !== 'in_progress') throw INVITE_REFUSALS.not_in_progress
      const deadline = clock() + ringTimeoutMs
      const outcome = await calls.invite(callId, inviterId, userId, deadline)
      if ('refused' in outcome) throw INVITE_REFUSALS[outcome.refused]
      sweeper.wakeAt(deadline)
      notify('incoming_call', outcome.call, inviterId, [userId])
      notify(
        'participant_invited',
        outcome.call,
        userId,
        everyone(outcome.call).filter((id) => id !== userId),
      )
      return outcome.call
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
