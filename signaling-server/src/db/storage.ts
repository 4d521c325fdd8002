import type { Call, CallStats, CallType, EndReason, User } from '../protocol/index.js'

/**
 * What the server keeps, whichever database holds it. SQLite (one node, the default) and Postgres
 * (several nodes) both implement it; routes and services only see this. Every method is async so
 * that a networked database fits; the SQLite one answers at once.
 */
export interface UserWithHash {
  user: User
  passwordHash: string
}

export interface UsersStore {
  /** Undefined when the name is taken. */
  create(username: string, displayName: string, passwordHash: string): Promise<User | undefined>
  findByUsername(username: string): Promise<UserWithHash | undefined>
  findById(id: string): Promise<User | undefined>
  /** Name or display-name contains `query` (case-insensitive), the searcher left out. */
  search(query: string, excludeId: string, limit: number): Promise<User[]>
}

/** An open call whose deadline has passed, as the sweeper sees it before deciding. */
export interface DueCall {
  id: number
  room_id: string
  caller_id: string
  callee_id: string
  /** ms since the epoch: the value the sweeper compares-and-sets against. */
  deadline: number
}

/** What a participant's answer, decline or departure did. */
export interface ParticipantChange {
  call: Call
  /** The call ended with this change (its last callee declined, or fewer than two were left in it). */
  ended: boolean
  /** An answer that moved the call from waiting to in_progress (the first callee to accept). */
  answered: boolean
}

/** Why an invitation was refused, when it was; otherwise the call with the new participant. */
export type InviteOutcome =
  | { call: Call }
  | { refused: 'not_in_progress' | 'not_joined' | 'already_in_call' | 'full' | 'busy' }

/** A ringing participant of an answered call whose ring timed out. */
export interface MissedInvite {
  call: Call
  userId: string
}

/**
 * Calls, with their deadlines as data: a waiting call's deadline is the end of its ring, an
 * answered call's is when its room may be found empty. Every change of status is a
 * compare-and-set on the row, so two nodes (or a sweep and a user) can't both end a call.
 */
export interface CallsStore {
  byId(id: number): Promise<Call | undefined>
  byRoomId(roomId: string): Promise<Call | undefined>
  /**
   * Creates a waiting call ringing until `deadline` unless either side is already in an open call;
   * undefined means busy. The check and the insert are one locked step (busy is an invariant).
   */
  createIfFree(
    callerId: string,
    calleeIds: string | readonly string[],
    callType: CallType,
    deadline: number,
  ): Promise<Call | undefined>
  /**
   * The first callee's answer (1:1): waiting → in_progress with a new deadline; undefined if it
   * was not waiting any more.
   */
  markAnswered(id: number, deadline: number): Promise<Call | undefined>
  /**
   * `userId` answers: invited → joined; a waiting call moves to in_progress with `deadline` (the
   * empty-room grace). Undefined if they were not ringing in an open call any more.
   */
  answer(id: number, userId: string, deadline: number): Promise<ParticipantChange | undefined>
  /**
   * `userId` declines (invited → declined) or leaves (joined → left). The call ends in the same
   * step when nobody is left ringing in a waiting call (`declined`) or fewer than two are joined
   * in an answered one (`completed`). Undefined if they had no such status in an open call.
   */
  depart(
    id: number,
    userId: string,
    to: 'declined' | 'left',
  ): Promise<ParticipantChange | undefined>
  /**
   * Adds `userId` to an in-progress call, ringing until `deadline`, if `inviterId` is joined in
   * it, it has fewer than MAX_CALL_PARTICIPANTS people and `userId` is free. One locked step.
   */
  invite(id: number, inviterId: string, userId: string, deadline: number): Promise<InviteOutcome>
  /** Marks `missed` every invitee of an in-progress call whose ring ended by `now` (one claim). */
  claimMissedInvites(now: number): Promise<MissedInvite[]>
  /**
   * waiting|in_progress → ended; undefined if it had already ended (someone else won). Those
   * still ringing become `missed`, those joined `left`.
   */
  markEnded(id: number, reason: EndReason): Promise<Call | undefined>
  /** Sets an in-progress call's deadline; false if the call is no longer in progress. */
  setDeadline(id: number, deadline: number): Promise<boolean>
  /** Ends, as `missed`, every waiting call whose ring deadline is ≤ `now`: one atomic claim. */
  claimMissed(now: number): Promise<Call[]>
  /** In-progress calls whose deadline is ≤ `now` (their rooms are checked before they end). */
  dueInProgress(now: number, limit: number): Promise<DueCall[]>
  /** Ends the call as `reason` only if its deadline is still `deadline` (nobody extended it). */
  endIfDeadline(id: number, deadline: number, reason: EndReason): Promise<Call | undefined>
  /** Moves the deadline on only if it is still `deadline`. */
  extendDeadline(id: number, deadline: number, next: number): Promise<boolean>
  /** At start-up of a single node: calls a crash left open can't still be live. */
  endAllOpen(reason: EndReason): Promise<number>
  active(userId: string): Promise<Call[]>
  history(userId: string, page: number, limit: number): Promise<Call[]>
  stats(userId: string): Promise<CallStats>
  countByStatus(): Promise<Record<Call['status'], number>>
}

export type Backend = 'sqlite' | 'postgres'

/** Which nodes share a database, and through which Redis each fans out. */
export interface ClusterRegistry {
  /** Records that `nodeId` is alive at `now` and fans out through the Redis `redisId`. */
  beat(nodeId: string, redisId: string, now: number): Promise<void>
  /** The other nodes seen since `since`, with their Redis. */
  others(nodeId: string, since: number): Promise<{ node_id: string; redis_id: string }[]>
  leave(nodeId: string): Promise<void>
}

export interface Storage {
  readonly backend: Backend
  /** True when one node owns the database (SQLite): left-over open calls can't be anyone's. */
  readonly singleNode: boolean
  readonly users: UsersStore
  readonly calls: CallsStore
  /** Present when several nodes may share the database (Postgres). */
  readonly cluster?: ClusterRegistry
  /** Resolves true when the database answers a query. */
  ping(): Promise<boolean>
  close(): Promise<void>
}
