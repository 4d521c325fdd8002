import Type from 'typebox'
import { Uuid } from './common.js'
import { MAX_ERROR_MESSAGE_LENGTH } from './errors.js'
import { Call } from './rest.js'

const strict = { additionalProperties: false } as const

/** Largest WebSocket frame the server accepts (W4); larger ones close the socket with 1009. */
export const MAX_WS_MESSAGE_BYTES = 64 * 1024
/** Subprotocol the server selects when a client authenticates with `bearer.<jwt>` (W11). */
export const WS_SUBPROTOCOL = 'veracall.v1'
export const BEARER_SUBPROTOCOL_PREFIX = 'bearer.'

/** What a liveness challenge asks the other person to do. */
export const ChallengeKindSchema = Type.Union([
  Type.Literal('turn_head'),
  Type.Literal('pass_hand'),
]) satisfies Type.TSchema
export type ChallengeKind = Type.Static<typeof ChallengeKindSchema>
/**
 * How long Veracall's challenge lasts (a 3 s countdown on the other side, then the move): the
 * prompt shows it and the requester's detector watches exactly that window.
 */
export const CHALLENGE_DURATION_MS = 9000
export const CHALLENGE_COUNTDOWN_MS = 3000

/** Whether a participant is recording the call (the `recording` message). */
export const RecordingStateSchema = Type.Union([
  Type.Literal('started'),
  Type.Literal('stopped'),
]) satisfies Type.TSchema
export type RecordingState = Type.Static<typeof RecordingStateSchema>

/** Per-type `data` of the messages a client may send into a call room. */
export const ClientData = {
  join: Type.Object({}, strict),
  leave: Type.Object({}, strict),
  offer: Type.Object(
    { type: Type.Optional(Type.Literal('offer')), sdp: Type.String({ maxLength: 60_000 }) },
    strict,
  ),
  answer: Type.Object(
    { type: Type.Optional(Type.Literal('answer')), sdp: Type.String({ maxLength: 60_000 }) },
    strict,
  ),
  ice_candidate: Type.Object(
    {
      candidate: Type.String({ maxLength: 2048 }),
      sdpMid: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
      sdpMLineIndex: Type.Optional(
        Type.Union([Type.Integer({ minimum: 0, maximum: 255 }), Type.Null()]),
      ),
      usernameFragment: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
    },
    strict,
  ),
  /**
   * Extension: tells the other side that the microphone or camera is on or off. `screen: true`
   * (itself an extension) says the video track carries a shared screen, not a face; senders leave
   * it out when not sharing, so clients that predate it keep reading every other state.
   */
  media_state: Type.Object(
    { audio: Type.Boolean(), video: Type.Boolean(), screen: Type.Optional(Type.Boolean()) },
    strict,
  ),
  /**
   * Extension: a liveness challenge ("Verify"). The receiving app asks its user to do `kind`
   * within `duration_ms`; the sender's detector watches the move on its side.
   */
  challenge: Type.Object(
    {
      id: Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' }),
      kind: ChallengeKindSchema,
      duration_ms: Type.Integer({ minimum: 3000, maximum: 15_000 }),
    },
    strict,
  ),
  /**
   * Extension: the sender started or stopped recording the call on their device. The receiving
   * app shows a persistent "Being recorded" notice until `stopped` or the end of the call.
   */
  recording: Type.Object({ state: RecordingStateSchema }, strict),
} as const
export type ClientMessageType = keyof typeof ClientData
export const CLIENT_MESSAGE_TYPES = Object.keys(ClientData) as ClientMessageType[]

/** The envelope every message uses, in both directions, before its type is known. */
export const Envelope = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 32 }),
    call_id: Type.String({ maxLength: 64 }),
    /** Ignored from clients: the server sets it from the token. */
    user_id: Type.Optional(Type.String({ maxLength: 64 })),
    /**
     * Extension (group calls): a client message with `to` is delivered to that member of the room
     * only; without it, to every other member (all a 1:1 room has). Relayed messages keep it.
     */
    to: Type.Optional(Uuid),
    data: Type.Object({}),
    timestamp: Type.Optional(Type.Number({ minimum: 0 })),
  },
  strict,
)
export type Envelope = Type.Static<typeof Envelope>

export type ClientDataOf<T extends ClientMessageType> = Type.Static<(typeof ClientData)[T]>

export interface Message<T extends string, D> {
  type: T
  call_id: string
  user_id: string
  /** Present on a relayed message its sender addressed to one member. */
  to?: string
  data: D
  timestamp: number
}

export type OfferMessage = Message<'offer', ClientDataOf<'offer'>>
export type AnswerMessage = Message<'answer', ClientDataOf<'answer'>>
export type IceCandidateMessage = Message<'ice_candidate', ClientDataOf<'ice_candidate'>>
export type MediaStateMessage = Message<'media_state', ClientDataOf<'media_state'>>
export type ChallengeMessage = Message<'challenge', ClientDataOf<'challenge'>>
export type RecordingMessage = Message<'recording', ClientDataOf<'recording'>>
export type RelayedMessage =
  | OfferMessage
  | AnswerMessage
  | IceCandidateMessage
  | MediaStateMessage
  | ChallengeMessage
  | RecordingMessage

/** Server → client in a call room. */
export const PeerData = Type.Object({ user_id: Type.String({ maxLength: 64 }) }, strict)
export const ErrorData = Type.Object(
  {
    code: Type.String({ maxLength: 64 }),
    message: Type.String({ maxLength: MAX_ERROR_MESSAGE_LENGTH }),
  },
  strict,
)
export type PeerJoinedMessage = Message<'peer_joined', Type.Static<typeof PeerData>>
export type PeerLeftMessage = Message<'peer_left', Type.Static<typeof PeerData>>
export type ErrorMessage = Message<'error', Type.Static<typeof ErrorData>>
export type ServerRoomMessage = RelayedMessage | PeerJoinedMessage | PeerLeftMessage | ErrorMessage

/** Server → client on `/ws/events`. */
export const EVENT_TYPES = [
  'incoming_call',
  'call_accepted',
  'call_declined',
  'call_ended',
  /**
   * Group calls (additive; a 1:1 call only ever sends the four above). `user_id` names the
   * participant concerned, `data.call` is the call after the change. Sent to the participants
   * still in the call (invited or joined) and to the one concerned.
   */
  'participant_invited',
  'participant_joined',
  'participant_declined',
  'participant_left',
  'participant_missed',
] as const
export type EventType = (typeof EVENT_TYPES)[number]
export const CallEventData = Type.Object({ call: Call }, strict)
export type CallEventMessage = Message<EventType, Type.Static<typeof CallEventData>>
export type ServerEventMessage = CallEventMessage | ErrorMessage
