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

export type CallType = Type.Static<typeof CallType>
export type CallStatus = Type.Static<typeof CallStatus>
export type EndReason = Type.Static<typeof EndReason>
