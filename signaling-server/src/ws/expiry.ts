import type { WebSocket } from 'ws'
import { CloseCode } from '../protocol/index.js'

const MAX_TIMER_MS = 2 ** 31 - 1

/** Closes the socket with 4401 when its token expires (W12). Returns a canceller. */
export function closeAtExpiry(socket: WebSocket, expSeconds: number): () => void {
  let timer: NodeJS.Timeout
  const arm = (): void => {
    const remaining = expSeconds * 1000 - Date.now()
    if (remaining <= 0) {
      socket.close(CloseCode.unauthorized, 'token expired')
      return
    }
    timer = setTimeout(arm, Math.min(remaining, MAX_TIMER_MS))
    timer.unref()
  }
  arm()
  return () => clearTimeout(timer)
}
