import Type from 'typebox'

/** Shared building blocks of the wire contract (see ../../../../shared/protocol.md). */
export const Uuid = Type.String({
  format: 'uuid',
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  maxLength: 36,
})
export const CallId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })
/** Room ids are opaque URL-safe strings handed out by the server. */
export const RoomId = Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$', minLength: 8, maxLength: 64 })
export const IsoTime = Type.String({ maxLength: 40 })
export const Username = Type.String({ minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$' })
export const Password = Type.String({ minLength: 8, maxLength: 128 })
export const DisplayName = Type.String({ minLength: 1, maxLength: 64 })
export const CallType = Type.Union([Type.Literal('audio'), Type.Literal('video')])
export const CallStatus = Type.Union([
  Type.Literal('waiting'),
  Type.Literal('in_progress'),
  Type.Literal('ended'),
])
/**
 * Why a call ended. `completed` after an answered call, `cancelled` when the caller gives up while
 * ringing, `declined`, `missed` after RING_TIMEOUT_S, `interrupted` when the server restarted mid-call
 * or nobody was in the call's room for EMPTY_ROOM_TIMEOUT_S.
 */
export const EndReason = Type.Union([
  Type.Literal('completed'),
  Type.Literal('cancelled'),
  Type.Literal('declined'),
  Type.Literal('missed'),
  Type.Literal('interrupted'),
])

/**
 * Most people in one call, the caller included (a full mesh: every peer sends its media to each
 * of the others, so the uplink grows with every person).
 */
export const MAX_CALL_PARTICIPANTS = 4
export const ParticipantRole = Type.Union([Type.Literal('caller'), Type.Literal('callee')])
/**
 * Where one person stands in a call. `invited`: ringing (a callee who has not answered yet);
 * `joined`: the caller from the start, a callee once they accept, until they leave; `declined`;
 * `left`: was joined and hung up, or the call ended; `missed`: their ring timed out, or the call
 * ended (or was cancelled) while it was still ringing for them. Only `invited` and `joined` are
 * "in" the call: they make the person busy and count towards the call going on.
 */
export const ParticipantStatus = Type.Union([
  Type.Literal('invited'),
  Type.Literal('joined'),
  Type.Literal('declined'),
  Type.Literal('left'),
  Type.Literal('missed'),
])

export type CallType = Type.Static<typeof CallType>
export type ParticipantRole = Type.Static<typeof ParticipantRole>
export type ParticipantStatus = Type.Static<typeof ParticipantStatus>
export type CallStatus = Type.Static<typeof CallStatus>
export type EndReason = Type.Static<typeof EndReason>
