import { Compile } from 'typebox/compile'
import { describeValidation } from '../validation-message.js'
import { ClientData, Envelope, type ClientMessageType, type ErrorCode } from '../protocol/index.js'

const envelope = Compile(Envelope)
const dataValidators = Object.fromEntries(
  Object.entries(ClientData).map(([type, schema]) => [type, Compile(schema)]),
) as { [K in ClientMessageType]: ReturnType<typeof Compile> }

const isClientType = (type: string): type is ClientMessageType => Object.hasOwn(ClientData, type)

/** A client message that passed the envelope and its type's data schema. */
export interface ValidMessage {
  ok: true
  type: ClientMessageType
  callId: string
  data: object
  timestamp: number | undefined
  /** The one member the sender addressed (lower-cased), if any. */
  to: string | undefined
}

export type ParsedMessage = ValidMessage | { ok: false; code: ErrorCode; message: string }

function firstError(validator: ReturnType<typeof Compile>, value: unknown, where: string): string {
  return describeValidation(validator.Errors(value), where)
}

/** Text frame → a validated client message (envelope, then the data of its type), or why not (W5). */
export function parseClientMessage(raw: string): ParsedMessage {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return { ok: false, code: 'invalid_json', message: 'Message is not valid JSON' }
  }
  if (!envelope.Check(value)) {
    return { ok: false, code: 'invalid_input', message: firstError(envelope, value, 'message') }
  }
  if (!isClientType(value.type)) {
    return {
      ok: false,
      code: 'unknown_type',
      message: `Unknown message type "${value.type.slice(0, 32)}"`,
    }
  }
  const validator = dataValidators[value.type]
  if (!validator.Check(value.data)) {
    return { ok: false, code: 'invalid_input', message: firstError(validator, value.data, 'data') }
  }
  return {
    ok: true,
    type: value.type,
    callId: value.call_id,
    data: value.data,
    timestamp: value.timestamp,
    to: value.to?.toLowerCase(),
  }
}

/** `{"type":"<type>",` for each client type, built once. */
const typeHeads = Object.fromEntries(
  Object.keys(ClientData).map((type) => [type, `{"type":${JSON.stringify(type)},`]),
) as { [K in ClientMessageType]: string }

/** The start of a relayed frame of `type`: `{"type":"<type>",`. */
export const relayTypeHead = (type: ClientMessageType): string => typeHeads[type]

/**
 * What a relayed frame holds between its type and its data, fixed for one socket (and, for a
 * message addressed to one member, its `to`).
 */
export function relayMiddle(callId: string, userId: string, to?: string): string {
  const addressed = to === undefined ? '' : `,"to":${JSON.stringify(to)}`
  return `"call_id":${JSON.stringify(callId)},"user_id":${JSON.stringify(userId)}${addressed},"data":`
}

/**
 * The frame a peer receives for a validated message (W6): byte for byte what `JSON.stringify` of
 * `{ type, call_id, user_id, data, timestamp }` gives, with `user_id` the token's (the client's own
 * is dropped with the rest of its envelope), built by concatenation around one `JSON.stringify` of the
 * validated data (re-serialised, not copied from the client's text: the peer gets exactly what was
 * checked). Only a `ValidMessage`, what `parseClientMessage` returns after validation, can be
 * framed. `middle` is `relayMiddle(...)`, computed once per socket.
 */
export function relayFrame(middle: string, message: ValidMessage, now: number): string {
  const timestamp = JSON.stringify(message.timestamp ?? now)
  return `${typeHeads[message.type]}${middle}${JSON.stringify(message.data)},"timestamp":${timestamp}}`
}
