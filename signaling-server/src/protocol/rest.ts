import Type from 'typebox'
import {
  CallId,
  CallStatus,
  CallType,
  DisplayName,
  EndReason,
  IsoTime,
  MAX_CALL_PARTICIPANTS,
  ParticipantRole,
  ParticipantStatus,
  Password,
  RoomId,
  Username,
  Uuid,
} from './common.js'

const strict = { additionalProperties: false } as const

export const User = Type.Object({ id: Uuid, username: Username, display_name: DisplayName }, strict)
export type User = Type.Static<typeof User>

/** One person in a call (extension for group calls). */
export const Participant = Type.Object(
  {
    user_id: Uuid,
    role: ParticipantRole,
    status: ParticipantStatus,
    /** Extension: the person's names, so that a client can label a tile without a lookup. */
    user: Type.Optional(User),
  },
  strict,
)
export type Participant = Type.Static<typeof Participant>

export const Call = Type.Object(
  {
    id: CallId,
    room_id: RoomId,
    caller_id: Uuid,
    callee_id: Uuid,
    call_type: CallType,
    status: CallStatus,
    end_reason: Type.Optional(EndReason),
    created_at: IsoTime,
    answered_at: Type.Optional(IsoTime),
    ended_at: Type.Optional(IsoTime),
    duration_s: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Extension: the two participants, so that a client can show names without another lookup. */
    caller: Type.Optional(User),
    callee: Type.Optional(User),
    /**
     * Extension (group calls): everyone invited to the call, the caller first, then the callees in
     * the order they were invited. `caller_id`/`callee_id` stay for 1:1 clients: the callee is the
     * first one invited. Always sent by this server; optional so older servers' calls still parse.
     */
    participants: Type.Optional(
      Type.Array(Participant, { minItems: 2, maxItems: MAX_CALL_PARTICIPANTS }),
    ),
  },
  strict,
)
export type Call = Type.Static<typeof Call>

export const RegisterBody = Type.Object(
  { username: Username, password: Password, display_name: Type.Optional(DisplayName) },
  strict,
)
export type RegisterBody = Type.Static<typeof RegisterBody>

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 32 }),
    password: Type.String({ minLength: 1, maxLength: 128 }),
  },
  strict,
)
export type LoginBody = Type.Static<typeof LoginBody>

export const AuthResponse = Type.Object({ token: Type.String(), user: User }, strict)
export type AuthResponse = Type.Static<typeof AuthResponse>

export const MeResponse = Type.Object({ user: User }, strict)
export type MeResponse = Type.Static<typeof MeResponse>

/**
 * Characters a user search needs by default (USER_SEARCH_MIN_LENGTH may ask for more): the
 * directory is found one person at a time, never listed. Two, because many Chinese names are two
 * characters long.
 */
export const DEFAULT_USER_SEARCH_MIN_LENGTH = 2

export const UserSearchQuery = Type.Object(
  {
    query: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  },
  strict,
)
export type UserSearchQuery = Type.Static<typeof UserSearchQuery>

export const UserListResponse = Type.Object({ users: Type.Array(User, { maxItems: 50 }) }, strict)
export type UserListResponse = Type.Static<typeof UserListResponse>

/**
 * Exactly one of `callee_id` (a 1:1 call, the original contract) or `callee_ids` (1 to 3 distinct
 * people, not the caller: a group call of up to MAX_CALL_PARTICIPANTS). The "exactly one" and
 * "not yourself" rules are checked by the call service (a schema union would blur the errors).
 */
export const StartCallBody = Type.Object(
  {
    callee_id: Type.Optional(Uuid),
    callee_ids: Type.Optional(
      Type.Array(Uuid, { minItems: 1, maxItems: MAX_CALL_PARTICIPANTS - 1, uniqueItems: true }),
    ),
    call_type: CallType,
  },
  strict,
)
export type StartCallBody = Type.Static<typeof StartCallBody>

export const CallIdBody = Type.Object({ call_id: CallId }, strict)
export type CallIdBody = Type.Static<typeof CallIdBody>

/** Adds `user_id` to a call in progress; only its participants may, up to MAX_CALL_PARTICIPANTS. */
export const InviteBody = Type.Object({ call_id: CallId, user_id: Uuid }, strict)
export type InviteBody = Type.Static<typeof InviteBody>

export const CallResponse = Type.Object({ call: Call }, strict)
export type CallResponse = Type.Static<typeof CallResponse>

export const CallListResponse = Type.Object({ calls: Type.Array(Call) }, strict)
export type CallListResponse = Type.Static<typeof CallListResponse>

export const HistoryQuery = Type.Object(
  {
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  strict,
)
export type HistoryQuery = Type.Static<typeof HistoryQuery>

export const CallStats = Type.Object(
  {
    total_calls: Type.Integer({ minimum: 0 }),
    completed: Type.Integer({ minimum: 0 }),
    missed: Type.Integer({ minimum: 0 }),
    declined: Type.Integer({ minimum: 0 }),
    total_duration_s: Type.Integer({ minimum: 0 }),
    avg_duration_s: Type.Number({ minimum: 0 }),
  },
  strict,
)
export type CallStats = Type.Static<typeof CallStats>

export const HistoryResponse = Type.Object(
  {
    calls: Type.Array(Call),
    page: Type.Integer({ minimum: 1 }),
    limit: Type.Integer({ minimum: 1 }),
    total: Type.Integer({ minimum: 0 }),
    stats: CallStats,
  },
  strict,
)
export type HistoryResponse = Type.Static<typeof HistoryResponse>

export const HealthResponse = Type.Object(
  {
    status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
    service: Type.Literal('veracall-signaling'),
    version: Type.String(),
    database: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
    uptime_s: Type.Number(),
    /** Extension: which engines this node uses, and its id (several nodes share one database). */
    backends: Type.Optional(
      Type.Object(
        {
          database: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
          fanout: Type.Union([Type.Literal('memory'), Type.Literal('redis')]),
        },
        strict,
      ),
    ),
    /** Extension: `ok` when Redis answers; present only when REDIS_URL is set. */
    redis: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('unavailable')])),
    node: Type.Optional(Type.String({ maxLength: 64 })),
  },
  strict,
)
export type HealthResponse = Type.Static<typeof HealthResponse>

/** The REST routes, so that clients build URLs from one table. */
export const ROUTES = {
  health: '/health',
  register: '/api/v1/auth/register',
  login: '/api/v1/auth/login',
  me: '/api/v1/users/me',
  users: '/api/v1/users',
  startCall: '/api/v1/calls/start',
  acceptCall: '/api/v1/calls/accept',
  declineCall: '/api/v1/calls/decline',
  endCall: '/api/v1/calls/end',
  inviteToCall: '/api/v1/calls/invite',
  activeCalls: '/api/v1/calls/active',
  history: '/api/v1/calls/history',
  callSocket: (roomId: string): string => `/ws/call/${encodeURIComponent(roomId)}`,
  eventsSocket: '/ws/events',
} as const
