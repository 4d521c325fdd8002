/**
 * Per-frame scores → a stable risk level, pure and clock-free (time comes from frame
 * timestamps). The displayed score is an EMA over windows of the last ~3 s of valid frames, each
 * scored by its top-half mean (a swap that shows in some frames is not averaged away). "High" is a
 * sequential decision: a one-sided CUSUM of frame log-odds against a drift (see EvidenceRule),
 * calibrated on real clips for a target false-High rate, so a moderate score at the end of warm-up
 * shows "Elevated" and only sustained evidence reaches "High". Hysteresis on the way down.
 */
import type { RiskLevel, SecurityReport } from '../../shared/detection.js'
import type { FrameOutcome, RiskConfig, RiskThresholds } from '../../shared/risk.js'
import { DEFAULT_RISK_CONFIG, levelRank } from '../../shared/risk.js'

export interface RiskState {
  level: RiskLevel
  /** sigmoid(EMA) in [0,1], null before any valid frame or while there is no data. */
  score: number | null
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x))

export function topHalfMean(values: readonly number[]): number {
  const top = [...values].sort((a, b) => b - a).slice(0, Math.max(1, Math.ceil(values.length / 2)))
  return top.reduce((s, v) => s + v, 0) / top.length
}

export class RiskAggregator {
  private readonly cfg: RiskConfig
  private window: { t: number; logit: number }[] = []
  private ema: number | null = null
  /** CUSUM evidence of a swap, in logit × seconds (see EvidenceRule). */
  private evidence = 0
  private lastT: number | null = null
  private lastValidT: number | null = null
  private validMs = 0
  private lastNoData: 'no_face' | 'poor_quality' = 'no_face'
  private risk: 'low' | 'elevated' | 'high' = 'low'
  private aboveHighSince: number | null = null
  private aboveElevSince: number | null = null
  private belowHighSince: number | null = null
  private belowElevSince: number | null = null
  private current: RiskState = { level: 'analysing', score: null }
  private readonly history: { t: number; score: number | null }[] = []
  private readonly timeline: SecurityReport['timeline'] = []
  private startedAt: number | null = null

  constructor(
    private readonly thresholds: RiskThresholds,
    cfg: Partial<RiskConfig> = {},
  ) {
    this.cfg = { ...DEFAULT_RISK_CONFIG, ...cfg }
  }

  get state(): RiskState {
    return this.current
  }

  push(f: FrameOutcome): RiskState {
    this.startedAt ??= f.t
    if (this.lastT !== null && f.t < this.lastT) return this.current // out of order: ignore
    const gap = this.lastT === null ? 0 : Math.min(f.t - this.lastT, this.cfg.maxFrameGapMs)
    this.lastT = f.t
    if (f.kind === 'scored') {
      if (this.lastValidT !== null) this.validMs += gap
      this.lastValidT = f.t
      this.window.push({ t: f.t, logit: f.logit })
    } else {
      this.lastNoData = f.kind
    }
    this.window = this.window.filter((w) => f.t - w.t <= this.cfg.windowMs)
    if (f.kind === 'scored') this.updateEma(gap, f.logit)
    this.updateLevel(f.t)
    this.record(f.t)
    return this.current
  }

  /** Accumulated evidence as a share of the High bound (for measurement and calibration). */
  get evidenceShare(): number {
    return this.evidence / this.thresholds.evidence.highLogitSeconds
  }

  /**
   * Adds evidence from outside the frame stream (a Verify challenge the face failed), as a share
   * of the High bound (capped at 2, where a steady real face takes seconds to bring it back down).
   */
  addEvidence(shareOfHigh: number): void {
    const rule = this.thresholds.evidence
    this.evidence = Math.min(
      2 * rule.highLogitSeconds,
      this.evidence + shareOfHigh * rule.highLogitSeconds,
    )
  }

  /** The median score of the recent window (a face's typical score), null without one. */
  baselineLogit(): number | null {
    const v = this.window.map((w) => w.logit).sort((a, b) => a - b)
    return v.length ? (v[Math.floor(v.length / 2)] ?? null) : null
  }

  /** Sparkline points of the last historyMs, oldest first. */
  sparkline(): (number | null)[] {
    return this.history.map((h) => h.score)
  }

  report(callId: number, model: SecurityReport['model'], endedAt: number): SecurityReport {
    const share: Partial<Record<RiskLevel, number>> = {}
    let total = 0
    const tl = this.timeline
    tl.forEach((e, i) => {
      const end = tl[i + 1]?.t ?? Math.max(endedAt, e.t)
      const d = Math.max(0, end - e.t)
      share[e.level] = (share[e.level] ?? 0) + d
      total += d
    })
    if (total > 0)
      for (const k of Object.keys(share) as RiskLevel[]) share[k] = (share[k] ?? 0) / total
    let peakLevel: RiskLevel = tl[0]?.level ?? 'analysing'
    let peakScore: number | null = null
    for (const e of tl) {
      if (levelRank(e.level) > levelRank(peakLevel)) peakLevel = e.level
      if (e.score !== null && (peakScore === null || e.score > peakScore)) peakScore = e.score
    }
    return {
      callId,
      model,
      startedAt: this.startedAt ?? endedAt,
      endedAt,
      peakLevel,
      peakScore,
      shareByLevel: share,
      timeline: [...tl],
    }
  }

  private updateEma(gap: number, logit: number): void {
    const ev = this.thresholds.evidence
    const step = Math.max(-ev.capLogit, Math.min(ev.capLogit, logit - ev.driftLogit))
    this.evidence = Math.max(
      0,
      Math.min(2 * ev.highLogitSeconds, this.evidence + (step * gap) / 1000),
    )
    const w = topHalfMean(this.window.map((x) => x.logit))
    if (this.ema === null) {
      this.ema = w
    } else {
      const alpha = 1 - Math.exp(-Math.max(gap, 1) / this.cfg.emaTauMs)
      this.ema += alpha * (w - this.ema)
    }
    const e = this.ema
    // Stamped on the valid-time clock: a stretch with no face must not count as time "held".
    const v = this.validMs
    const { elevatedLogit, evidence: rule } = this.thresholds
    const high = this.evidence >= rule.highLogitSeconds
    this.aboveHighSince = high ? (this.aboveHighSince ?? v) : null
    this.aboveElevSince = e >= elevatedLogit ? (this.aboveElevSince ?? v) : null
    this.belowHighSince =
      this.evidence < rule.highLogitSeconds / 2 ? (this.belowHighSince ?? v) : null
    this.belowElevSince =
      e < elevatedLogit && this.evidence < rule.elevatedLogitSeconds / 2
        ? (this.belowElevSince ?? v)
        : null
  }

  private updateLevel(t: number): void {
    const held = (since: number | null, ms: number): boolean =>
      since !== null && this.validMs - since >= ms
    const { riseMs, fallMs } = this.cfg
    // The evidence sum already integrates over time: no extra rise delay for High.
    const evidenceElevated = this.evidence >= this.thresholds.evidence.elevatedLogitSeconds
    if (this.risk !== 'high' && held(this.aboveHighSince, 0)) this.risk = 'high'
    else if (this.risk === 'low' && (evidenceElevated || held(this.aboveElevSince, riseMs)))
      this.risk = 'elevated'
    else if (this.risk === 'high' && held(this.belowHighSince, fallMs)) {
      this.risk = held(this.belowElevSince, fallMs) ? 'low' : 'elevated'
    } else if (this.risk === 'elevated' && held(this.belowElevSince, fallMs)) this.risk = 'low'

    // Before any valid frame, the session start stands in for it: "Analysing…" first, not "No face".
    const noData = t - (this.lastValidT ?? this.startedAt ?? t) > this.cfg.noDataMs
    let level: RiskLevel
    if (noData) level = this.lastNoData === 'no_face' ? 'no_face' : 'insufficient_quality'
    else if (this.validMs < this.cfg.warmupMs) level = 'analysing'
    else level = this.risk
    const score = noData || this.ema === null ? null : sigmoid(this.ema)
    this.current = { level, score }
  }

  private record(t: number): void {
    const last = this.history[this.history.length - 1]
    if (!last || t - last.t >= this.cfg.historyStepMs) {
      this.history.push({ t, score: this.current.score })
      while (t - (this.history[0]?.t ?? t) > this.cfg.historyMs) this.history.shift()
    }
    const lastTl = this.timeline[this.timeline.length - 1]
    if (!lastTl || lastTl.level !== this.current.level || t - lastTl.t >= this.cfg.historyStepMs) {
      this.timeline.push({ t, level: this.current.level, score: this.current.score })
    }
  }
}
