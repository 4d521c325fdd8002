import type { FastifyInstance } from 'fastify'

/** How long close() may wait for requests in flight before their connections are destroyed. */
export const CLOSE_TIMEOUT_MS = 5000

/** A cancellable delay; tests pass one they resolve themselves. */
export type Delay = (ms: number) => { elapsed: Promise<void>; cancel(): void }

export const delay: Delay = (ms) => {
  let timer: NodeJS.Timeout | undefined
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms)
  })
  return { elapsed, cancel: () => clearTimeout(timer) }
}

/**
 * `app.close()` bounded in time: connections still open after `ms` (a request whose body never
 * arrives, a WebSocket that never answers the close frame) are destroyed so the close completes.
 */
export async function closeWithin(
  app: FastifyInstance,
  ms: number = CLOSE_TIMEOUT_MS,
  wait: Delay = delay,
): Promise<void> {
  const deadline = wait(ms)
  void deadline.elapsed.then(() => {
    app.log.warn({ afterMs: ms }, 'closing the connections still open')
    app.server.closeAllConnections()
    for (const socket of app.websocketServer.clients) socket.terminate()
  })
  try {
    await app.close()
  } finally {
    deadline.cancel()
  }
}

export interface ShutdownOptions {
  /** Time between the signal and the close, serving as usual but for /health (503). */
  drainMs: number
  closeTimeoutMs?: number
  wait?: Delay
}

/**
 * The standalone server's graceful stop: drain (/health 503 so a load balancer moves traffic away,
 * requests still answered, every connection closed after its answer), then a bounded close.
 */
export async function shutdown(
  app: FastifyInstance,
  { drainMs, closeTimeoutMs = CLOSE_TIMEOUT_MS, wait = delay }: ShutdownOptions,
): Promise<void> {
  app.startDraining()
  if (drainMs > 0) await wait(drainMs).elapsed
  await closeWithin(app, closeTimeoutMs, wait)
}
