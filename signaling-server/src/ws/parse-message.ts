import { Compile } from 'typebox/compile'
import { describeValidation } from '../validation-message.js'
import { ClientData, Envelope, type ClientMessageType, type ErrorCode } from '../protocol/index.js'

const envelope = Compile(Envelope)
const dataValidators = Object.fromEntries(
  Object.entries(ClientData).map(([type, schema]) => [type, Compile(schema)]),
) as { [K in ClientMessageType]: ReturnType<typeof Compile> }

const isClientType = (type: string): type is ClientMessageType => Object.hasOwn(ClientData, type)

export type ParsedMessage =
  | {
      ok: true
      type: ClientMessageType
      callId: string
      data: object
      timestamp: number | undefined
    }
  | { ok: false; code: ErrorCode; message: string }

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
  }
}
