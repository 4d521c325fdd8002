import Type from 'typebox'

/** Every error code the server sends, in REST bodies and in WebSocket `error` messages. */
export const ERROR_CODES = [
  'invalid_input',
  'invalid_json',
  'unsupported_media_type',
  'invalid_token',
  'invalid_credentials',
  'forbidden',
  'not_found',
  'username_taken',
  'conflict',
  'busy',
  /** 409: an invitation to a call that already has MAX_CALL_PARTICIPANTS people. */
  'call_full',
  'payload_too_large',
  /** 400: a user search shorter than the server's minimum (USER_SEARCH_MIN_LENGTH). */
  'query_too_short',
  /** 414: a path segment (such as a room id) longer than the server reads. */
  'uri_too_long',
  /** 431: request headers over the server's limit. */
  'headers_too_large',
  /** 408: the request did not arrive in time. */
  'request_timeout',
  'rate_limited',
  'unknown_type',
  'not_in_room',
  /** A room message's `to` names someone who is not in the room (nothing was relayed). */
  'recipient_not_in_room',
  'service_unavailable',
  'internal_error',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

/** Longest `message` an error carries, in REST bodies and WebSocket `error` messages alike. */
export const MAX_ERROR_MESSAGE_LENGTH = 1024

export const ErrorBody = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({ maxLength: 64 }),
        message: Type.String({ maxLength: MAX_ERROR_MESSAGE_LENGTH }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)
export type ErrorBody = Type.Static<typeof ErrorBody>

export const errorBody = (code: ErrorCode, message: string): ErrorBody => ({
  error: { code, message },
})

/** WebSocket close codes. 4xxx mirror the HTTP status they stand for. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
  messageTooBig: 1009,
  tryAgainLater: 1013,
  replaced: 4000,
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
  callEnded: 4410,
  tooManyConnections: 4429,
} as const
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode]
