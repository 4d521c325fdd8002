import { monitorEventLoopDelay, performance } from 'node:perf_hooks'

/** Event-loop load over one sampling interval. */
export interface LoadSample {
  /** Share of the interval the loop was busy, 0–1. */
  utilization: number
  /** Mean extra delay of the loop's turns, in ms. */
  delayMs: number
}

/** Measures the event loop since its previous sample (or since it was made). */
export interface LoadProbe {
  sample(): LoadSample
  stop(): void
}

/** Runs `tick` every `ms` until the returned function is called. */
export type Every = (ms: number, tick: () => void) => () => void

/** Injectable for tests, which drive samples themselves instead of waiting for a timer. */
export interface LoadMonitorHooks {
  probe?: () => LoadProbe
  every?: Every
}

const RESOLUTION_MS = 10

/** perf_hooks over the interval only: a busy start-up or a past burst doesn't weigh on it. */
export function eventLoopProbe(): LoadProbe {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  delay.enable()
  let since = performance.eventLoopUtilization()
  return {
    sample() {
      const now = performance.eventLoopUtilization()
      const { utilization } = performance.eventLoopUtilization(now, since)
      since = now
      const mean = delay.mean / 1e6
      delay.reset()
      // No turn completed in the interval (mean is NaN): the loop was blocked throughout.
      return {
        utilization,
        delayMs: Number.isNaN(mean) ? Infinity : Math.max(0, mean - RESOLUTION_MS),
      }
    },
    stop: () => delay.disable(),
  }
}

export const everyUnref: Every = (ms, tick) => {
  const timer = setInterval(tick, ms)
  timer.unref()
  return () => clearInterval(timer)
}

export interface LoadLimits {
  sampleIntervalMs: number
  /** Busy share above which the loop counts as saturated... */
  maxUtilization: number
  /** ...which is pressure once its turns are also late by this much on average. */
  saturatedDelayMs: number
  /** Late by this much on average is pressure whatever the loop's use. */
  maxDelayMs: number
}

/**
 * Samples only once started (on listen) and reports pressure only from a sample: until the first
 * interval after listening has been measured, nothing is shed.
 */
export class LoadMonitor {
  #last: LoadSample | undefined
  #stop: (() => void) | undefined

  constructor(
    private readonly limits: LoadLimits,
    private readonly hooks: LoadMonitorHooks = {},
  ) {}

  start(): void {
    if (this.#stop) return
    const probe = (this.hooks.probe ?? eventLoopProbe)()
    const cancel = (this.hooks.every ?? everyUnref)(this.limits.sampleIntervalMs, () => {
      this.#last = probe.sample()
    })
    this.#stop = () => {
      cancel()
      probe.stop()
    }
  }

  stop(): void {
    this.#stop?.()
  }

  /** What is saturated, by the last sample, or undefined. */
  pressure(): { type: 'eventLoopUtilization' | 'eventLoopDelay'; value: number } | undefined {
    const last = this.#last
    if (!last) return undefined
    if (last.delayMs > this.limits.maxDelayMs)
      return { type: 'eventLoopDelay', value: last.delayMs }
    if (
      last.utilization > this.limits.maxUtilization &&
      last.delayMs > this.limits.saturatedDelayMs
    )
      return { type: 'eventLoopUtilization', value: last.utilization }
    return undefined
  }
}
