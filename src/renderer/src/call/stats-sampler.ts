import type { AppStore } from '../store/index.js'
import type { CallSession } from './call-session.js'
import { summariseStats, type StatsCounters } from './stats.js'

const STATS_INTERVAL_MS = 2000

/** Samples the call's connection statistics every two seconds into the store's quality. */
export class StatsSampler {
  private timer: ReturnType<typeof setInterval> | null = null
  private counters: StatsCounters | null = null
  private session: CallSession | null = null

  constructor(private readonly store: AppStore) {}

  start(session: CallSession): void {
    this.stop()
    this.session = session
    this.timer = setInterval(() => void this.sample(session), STATS_INTERVAL_MS)
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.counters = null
    this.session = null
  }

  private async sample(session: CallSession): Promise<void> {
    try {
      const report = await session.getStats()
      const { sample, counters } = summariseStats(report.values(), this.counters, Date.now())
      this.counters = counters
      // Not if the call ended while the stats were read.
      if (this.session === session) this.store.getState().setQuality(sample)
    } catch {
      // The connection closed between two samples.
    }
  }
}
