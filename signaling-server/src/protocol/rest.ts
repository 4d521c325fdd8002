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

/**
 * A TURN URL as RFC 7065 writes it: `turn:` or `turns:`, a host name, IPv4 or [IPv6] address, an
 * optional port and an optional `?transport=udp|tcp`. No user info, path or other query.
 */
export const TURN_URL_PATTERN =
  '^turns?:(?:\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(?::([0-9]{1,5}))?(?:\\?transport=(?:udp|tcp))?$'
const TURN_URL = new RegExp(TURN_URL_PATTERN)

/** TURN_URL_PATTERN, with a port (its one capture) in 1–65535. */
export function isTurnUrl(url: string): boolean {
  const match = TURN_URL.exec(url)
  const port = match?.[1]
  return match !== null && (port === undefined || (Number(port) >= 1 && Number(port) <= 65535))
}

export const TurnUrl = Type.String({ maxLength: 300, pattern: TURN_URL_PATTERN })

/** One entry of RTCConfiguration.iceServers, as the client passes it on. */
export const IceServer = Type.Object(
  {
    urls: Type.Array(TurnUrl, { minItems: 1, maxItems: 16 }),
    /** `<unix expiry>:<user id>`: coturn checks the expiry and the HMAC, nothing else. */
    username: Type.String({ maxLength: 128, pattern: '^[0-9]+:' }),
    /** base64 of HMAC-SHA1(TURN_SECRET, username). */
    credential: Type.String({ maxLength: 64 }),
  },
  strict,
)
export type IceServer = Type.Static<typeof IceServer>

export const TurnCredentialsResponse = Type.Object(
  {
    ice_servers: Type.Array(IceServer, { minItems: 1, maxItems: 4 }),
    /** Seconds the credential stays valid from now: fetch a fresh one per call. */
    ttl_s: Type.Integer({ minimum: 1 }),
  },
  strict,
)
export type TurnCredentialsResponse = Type.Static<typeof TurnCredentialsResponse>

const CALL_SOCKET_PREFIX = '/ws/call/'

/**
 * The REST and WebSocket routes: clients build URLs from this table and the server registers its
 * routes from it, so each path is written once.
 */
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
  /** Extension: short-lived TURN credentials; 404 when the server has no TURN configured. */
  turnCredentials: '/api/v1/turn-credentials',
  callSocket: (roomId: string): string => `${CALL_SOCKET_PREFIX}${encodeURIComponent(roomId)}`,
  /** The server's route pattern for `callSocket`. */
  callSocketPattern: `${CALL_SOCKET_PREFIX}:roomId`,
  eventsSocket: '/ws/events',
} as const
