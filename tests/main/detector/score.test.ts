import { describe, expect, it } from 'vitest'
import { RiskAggregator, topHalfMean } from '../../../src/main/detector/score.js'
import type { FrameOutcome, RiskThresholds } from '../../../src/shared/risk.js'
import { defaultEvidenceRule, thresholdsFromCalibration } from '../../../src/shared/risk.js'

const TH: RiskThresholds = { elevatedLogit: 0, highLogit: 2, evidence: defaultEvidenceRule(2) }
const FPS = 5
const DT = 1000 / FPS

/** Feeds `seconds` of frames at 5 fps from `t0`, each made by `f(t)`; returns the levels seen. */
function feed(
  agg: RiskAggregator,
  t0: number,
  seconds: number,
  f: (t: number) => FrameOutcome,
): { t: number; level: string }[] {
  const out: { t: number; level: string }[] = []
  for (let t = t0; t < t0 + seconds * 1000; t += DT) out.push({ t, level: agg.push(f(t)).level })
  return out
}
const scored =
  (logit: number) =>
  (t: number): FrameOutcome => ({ t, kind: 'scored', logit })
const firstAt = (seq: { t: number; level: string }[], level: string): number =>
  seq.find((s) => s.level === level)?.t ?? NaN

describe('topHalfMean', () => {
  it('averages the larger half, so a swap visible in some frames is not averaged away', () => {
    expect(topHalfMean([0, 0, 4, 6])).toBe(5)
    expect(topHalfMean([1, 2, 3])).toBe(2.5)
    expect(topHalfMean([7])).toBe(7)
  })
})

describe('RiskAggregator', () => {
  it('stays "analysing" until 5 s of valid frames, then reports low for a real face', () => {
    const agg = new RiskAggregator(TH)
    const seq = feed(agg, 0, 8, scored(-3))
    expect(seq.filter((s) => s.t < 4800).every((s) => s.level === 'analysing')).toBe(true)
    expect(firstAt(seq, 'low')).toBe(5000)
    expect(agg.state.score).toBeCloseTo(1 / (1 + Math.exp(3)), 3)
  })

  it('rises to high only once the accumulated evidence fills the bound, not at the first frame', () => {
    const agg = new RiskAggregator(TH)
    feed(agg, 0, 10, scored(-3))
    const seq = feed(agg, 10_000, 10, scored(5))
    const high = firstAt(seq, 'high')
    // (5 − drift 2) = 3 logit per second against a bound of 6 logit·s: two seconds of evidence.
    expect(high).toBeGreaterThanOrEqual(12_000)
    expect(high).toBeLessThan(13_000)
    // Elevated comes first: its threshold is crossed earlier.
    expect(firstAt(seq, 'elevated')).toBeLessThan(high)
  })

  it('ignores isolated glitch frames (top-half window + hysteresis)', () => {
    const agg = new RiskAggregator(TH)
    feed(agg, 0, 10, scored(-3))
    // One wild frame every 2 s: never enough to hold the smoothed score above a threshold.
    const seq = feed(agg, 10_000, 20, (t) => scored(t % 2000 === 0 ? 8 : -3)(t))
    expect(seq.every((s) => s.level === 'low')).toBe(true)
  })

  it('does not rise on a burst shorter than the rise time plus the window', () => {
    const agg = new RiskAggregator(TH)
    feed(agg, 0, 10, scored(-3))
    const burst = feed(agg, 10_000, 0.6, scored(8))
    const after = feed(agg, 10_600, 10, scored(-3))
    expect([...burst, ...after].some((s) => s.level === 'high')).toBe(false)
    expect(after.at(-1)?.level).toBe('low')
  })

  it('falls only after ≥ 5 s below the threshold', () => {
    const agg = new RiskAggregator(TH)
    feed(agg, 0, 20, scored(6))
    expect(agg.state.level).toBe('high')
    const seq = feed(agg, 20_000, 15, scored(-4))
    const leftHigh = seq.find((s) => s.level !== 'high')?.t
    expect(leftHigh).toBeGreaterThanOrEqual(25_000)
    expect(seq.at(-1)?.level).toBe('low')
  })

  it('shows "No face" during a gap without faces and resumes the held level afterwards', () => {
    const agg = new RiskAggregator(TH)
    feed(agg, 0, 20, scored(6))
    const gap = feed(agg, 20_000, 4, (t) => ({ t, kind: 'no_face' }))
    expect(gap.filter((s) => s.t <= 21_800).every((s) => s.level === 'high')).toBe(true)
    expect(gap.at(-1)?.level).toBe('no_face')
    expect(agg.state.score).toBeNull()
    const back = feed(agg, 24_000, 1, scored(6))
    expect(back.every((s) => s.level === 'high')).toBe(true)
  })

  it('does not count a no-face gap as time held above a threshold', () => {
    // A 1 s spike lifts the smoothed score over High, then the face is lost for 4 s: wall time
    // passes the 3 s rise time, valid time does not, so the face returns at its earned level.
    const agg = new RiskAggregator({
      elevatedLogit: -2,
      highLogit: -1,
      evidence: defaultEvidenceRule(-1),
    })
    feed(agg, 0, 6, scored(-3))
    const spike = feed(agg, 6000, 1, scored(30))
    expect(agg.state.score).toBeGreaterThan(1 / (1 + Math.exp(1)))
    const gap = feed(agg, 7000, 4, (t) => ({ t, kind: 'no_face' }))
    const back = feed(agg, 11_000, 6, scored(-3))
    expect([...spike, ...gap, ...back].some((s) => s.level === 'high')).toBe(false)
  })

  it('says "Insufficient quality" when faces are there but unusable', () => {
    const agg = new RiskAggregator(TH)
    const seq = feed(agg, 0, 4, (t) => ({ t, kind: 'poor_quality' }))
    expect(seq[0]?.level).toBe('analysing')
    expect(seq.at(-1)?.level).toBe('insufficient_quality')
  })

  it('does not count a no-face gap toward warm-up', () => {
    const agg = new RiskAggregator(TH)
    feed(agg, 0, 3, scored(-3))
    feed(agg, 3000, 10, (t) => ({ t, kind: 'no_face' }))
    const seq = feed(agg, 13_000, 3, scored(-3))
    expect(seq[0]?.level).toBe('analysing')
    expect(firstAt(seq, 'low')).toBeGreaterThanOrEqual(14_800)
  })

  it('keeps a minute of sparkline and builds a per-call report', () => {
    const agg = new RiskAggregator(TH)
    feed(agg, 0, 30, scored(-3))
    feed(agg, 30_000, 50, scored(6))
    const spark = agg.sparkline()
    expect(spark.length).toBeGreaterThanOrEqual(59)
    expect(spark.length).toBeLessThanOrEqual(61)
    const r = agg.report(7, { name: 'm', version: '1' }, 80_000)
    expect(r.callId).toBe(7)
    expect(r.peakLevel).toBe('high')
    expect(r.peakScore).toBeGreaterThan(0.99)
    const total = Object.values(r.shareByLevel).reduce((a, b) => a + b, 0)
    expect(total).toBeCloseTo(1, 6)
    expect(r.shareByLevel.analysing).toBeCloseTo(5 / 80, 2)
    expect(r.shareByLevel.high ?? 0).toBeGreaterThan(0.5)
    expect(r.timeline[0]?.t).toBe(0)
  })
})

describe('RiskAggregator evidence rule (no jump to High at the end of warm-up)', () => {
  it('shows Elevated, not High, when warm-up ends on a moderately high score', () => {
    // Half a logit over the drift for 5 s is 2.5 logit·s: Elevated evidence, far from High.
    const agg = new RiskAggregator(TH)
    const seq = feed(agg, 0, 8, scored(2.5))
    expect(seq.some((s) => s.level === 'high')).toBe(false)
    expect(seq.at(-1)?.level).toBe('elevated')
  })

  it('reaches High at the end of warm-up only on strong evidence', () => {
    const agg = new RiskAggregator(TH)
    const seq = feed(agg, 0, 6, scored(9))
    expect(seq.filter((s) => s.t < 4800).every((s) => s.level === 'analysing')).toBe(true)
    expect(firstAt(seq, 'high')).toBe(5000)
  })

  it('lets a real face with scattered high frames drift the evidence back to zero', () => {
    const agg = new RiskAggregator(TH)
    // One frame in four far over the threshold, the rest well under: never High.
    const seq = feed(agg, 0, 120, (t) => scored((t / DT) % 4 === 0 ? 10 : -1)(t))
    expect(seq.some((s) => s.level === 'high')).toBe(false)
  })

  it('counts evidence per second, not per frame, so the frame rate does not change the verdict', () => {
    const at = (fps: number): number => {
      const agg = new RiskAggregator(TH)
      for (let t = 0; t < 20_000; t += 1000 / fps) {
        if (agg.push({ t, kind: 'scored', logit: t < 10_000 ? -3 : 4 }).level === 'high') return t
      }
      return NaN
    }
    expect(Math.abs(at(2) - at(10))).toBeLessThanOrEqual(500)
  })

  it('uses the rule from the model calibration when it gives one', () => {
    const rule = { driftLogit: 1, capLogit: 2, highLogitSeconds: 10, elevatedLogitSeconds: 3 }
    expect(thresholdsFromCalibration({ threshold: 0.9, evidence: rule }).evidence).toEqual(rule)
    expect(thresholdsFromCalibration({ threshold: 0.9 }).evidence.driftLogit).toBeCloseTo(
      Math.log(9),
      6,
    )
  })
})

describe('thresholdsFromCalibration', () => {
  it('puts High at the calibrated threshold and Elevated halfway in log-odds', () => {
    const t = thresholdsFromCalibration({ threshold: 0.9 })
    expect(t.highLogit).toBeCloseTo(Math.log(9), 6)
    expect(t.elevatedLogit).toBeCloseTo(Math.log(9) / 2, 6)
    expect(thresholdsFromCalibration({ threshold: 0.9, elevated: 0.5 }).elevatedLogit).toBe(0)
  })
})
