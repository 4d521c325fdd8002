import { MAX_ERROR_MESSAGE_LENGTH, type ErrorCode, type ErrorMessage } from '../protocol/index.js'
import { truncate } from '../validation-message.js'
import type { Subscriber } from './fanout.js'

/**
 * Tells the client what was wrong with its message; the socket stays open (recoverable). Sent like
 * any relayed message, so a client that floods bad frames and reads nothing is cut off (W9).
 */
export function sendError(to: Subscriber, callId: string, code: ErrorCode, message: string): void {
  const payload: ErrorMessage = {
    type: 'error',
    call_id: callId,
    user_id: to.userId,
    data: { code, message: truncate(message, MAX_ERROR_MESSAGE_LENGTH) },
    timestamp: Date.now(),
  }
  to.deliver(JSON.stringify(payload))
}
