import type { Clock } from '../clock.js'

const WAKE_SLACK_MS = 5

export interface Sweeper {
  /** Sweeps as soon as `at` (ms, on the sweeper's clock) has passed: the deadline a node knows of. */
  wakeAt(at: number): void
  /** Stops the timers and waits for a sweep in flight, so nothing runs after the database closes. */
  close(): Promise<void>
}

export interface SweeperOptions {
  sweep: () => Promise<unknown>
  clock: Clock
  /** The backstop: every node sweeps this often, so deadlines set by a node that died still fire. */
  intervalMs: number
  onError: (error: unknown) => void
}

/**
 * Runs `sweep` periodically and at the deadlines this node learns of, one sweep at a time. The
 * timers only decide *when* to look; what is due, and who ends it, is decided by the database
 * (an atomic claim), so any number of nodes may sweep at once.
 */
export function startSweeper({ sweep, clock, intervalMs, onError }: SweeperOptions): Sweeper {
  let running: Promise<void> | undefined
  let again = false
  let closed = false
  const wakeTimers = new Set<NodeJS.Timeout>()

  const run = (): void => {
    if (closed) return
    if (running) {
      again = true
      return
    }
    running = sweep()
      .then(
        () => undefined,
        (error: unknown) => onError(error),
      )
      .finally(() => {
        running = undefined
        if (again) {
          again = false
          run()
        }
      })
  }

  const interval = setInterval(run, intervalMs)
  interval.unref()

  return {
    wakeAt(at) {
      if (closed) return
      const timer = setTimeout(
        () => {
          wakeTimers.delete(timer)
          run()
        },
        // A few ms late rather than early: a sweep that runs before the deadline finds nothing.
        Math.max(0, at - clock() + WAKE_SLACK_MS),
      )
      timer.unref()
      wakeTimers.add(timer)
    },
    async close() {
      closed = true
      clearInterval(interval)
      for (const timer of wakeTimers) clearTimeout(timer)
      wakeTimers.clear()
      await running
    },
  }
}
