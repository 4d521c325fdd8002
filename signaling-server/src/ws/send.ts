import type { WebSocket } from 'ws'
import type { ErrorCode, ErrorMessage } from '../protocol/index.js'

/** Tells the client what was wrong with its message; the socket stays open (recoverable). */
export function sendError(
  socket: WebSocket,
  callId: string,
  userId: string,
  code: ErrorCode,
  message: string,
): void {
  if (socket.readyState !== socket.OPEN) return
  const payload: ErrorMessage = {
    type: 'error',
    call_id: callId,
    user_id: userId,
    data: { code, message },
    timestamp: Date.now(),
  }
  socket.send(JSON.stringify(payload))
}
