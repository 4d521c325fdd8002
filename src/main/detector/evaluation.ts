/**
 * Pure measurement helpers for `npm run eval:detector` and `scripts/calibrate-risk.ts`: rank AUC,
 * ROC points, bootstrap intervals resampled by video (several crops of one clip are not
 * independent), Wilson and Poisson intervals, and the replay of a clip's frame outcomes through
 * the app's own risk aggregator. No I/O, no clock: anyone can rerun a measurement from a dump.
 */
import type { FrameOutcome, RiskThresholds } from '../../shared/risk.js'
import { DEFAULT_RISK_CONFIG } from '../../shared/risk.js'
import { RiskAggregator } from './score.js'

/** Mann-Whitney AUC (ties count half); NaN when a class is empty. */
export function auc(pos: readonly number[], neg: readonly number[]): number {
  if (pos.length === 0 || neg.length === 0) return NaN
  const all = [...pos.map((v) => ({ v, p: 1 })), ...neg.map((v) => ({ v, p: 0 }))].sort(
    (a, b) => a.v - b.v,
  )
  let rankSum = 0
  for (let i = 0; i < all.length;) {
    let j = i
    while (j < all.length && all[j]?.v === all[i]?.v) j++
    const avg = (i + 1 + j) / 2
    for (let k = i; k < j; k++) if (all[k]?.p === 1) rankSum += avg
    i = j
  }
  return (rankSum - (pos.length * (pos.length + 1)) / 2) / (pos.length * neg.length)
}

/** Equal error rate and the true-positive rate at ≤ 1 % false positives. */
export function roc(
  pos: readonly number[],
  neg: readonly number[],
): { eer: number; tprAt1: number } {
  if (pos.length === 0 || neg.length === 0) return { eer: NaN, tprAt1: NaN }
  const p = [...pos].sort((a, b) => b - a)
  const n = [...neg].sort((a, b) => b - a)
  const thr = [...new Set([...p, ...n])].sort((a, b) => b - a)
  let eer = 1
  let bestGap = Infinity
  let tprAt1 = 0
  let ip = 0
  let ineg = 0
  for (const t of thr) {
    while (ip < p.length && (p[ip] ?? -Infinity) >= t) ip++
    while (ineg < n.length && (n[ineg] ?? -Infinity) >= t) ineg++
    const tpr = ip / p.length
    const fpr = ineg / n.length
    if (fpr <= 0.01) tprAt1 = Math.max(tprAt1, tpr)
    const gap = Math.abs(fpr - (1 - tpr))
    if (gap < bestGap) {
      bestGap = gap
      eer = (fpr + (1 - tpr)) / 2
    }
  }
  return { eer, tprAt1 }
}

/** Deterministic PRNG so intervals are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface Scored {
  label: 0 | 1
  /** The resampling unit: a video id (from an index) or the file itself. */
  unit: string
  scores: number[]
}

/**
 * 95 % bootstrap interval of the AUC, resampling units (videos) with replacement within each
 * class and keeping every score of a drawn unit.
 */
export function bootstrapAuc(items: readonly Scored[], seed = 1, reps = 1000): [number, number] {
  const rnd = mulberry32(seed)
  const byUnit = (label: 0 | 1): number[][] => {
    const m = new Map<string, number[]>()
    for (const it of items) {
      if (it.label !== label || it.scores.length === 0) continue
      const arr = m.get(it.unit) ?? []
      arr.push(...it.scores)
      m.set(it.unit, arr)
    }
    return [...m.values()]
  }
  const pos = byUnit(1)
  const neg = byUnit(0)
  if (pos.length === 0 || neg.length === 0) return [NaN, NaN]
  const draws: number[] = []
  for (let r = 0; r < reps; r++) {
    const p: number[] = []
    const n: number[] = []
    for (let i = 0; i < pos.length; i++) p.push(...(pos[Math.floor(rnd() * pos.length)] ?? []))
    for (let i = 0; i < neg.length; i++) n.push(...(neg[Math.floor(rnd() * neg.length)] ?? []))
    draws.push(auc(p, n))
  }
  draws.sort((a, b) => a - b)
  return [draws[Math.floor(reps * 0.025)] ?? NaN, draws[Math.floor(reps * 0.975)] ?? NaN]
}

/** Wilson 95 % interval for a proportion. */
export function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [NaN, NaN]
  const z = 1.96
  const p = k / n
  const d = 1 + (z * z) / n
  const c = p + (z * z) / (2 * n)
  const h = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))
  return [(c - h) / d, (c + h) / d]
}

/**
 * 95 % interval for a Poisson count k (Wilson–Hilferty approximation of the exact Garwood
 * interval; the upper bound for k = 0 is the exact 3.689).
 */
export function poissonCi(k: number): [number, number] {
  const z = 1.96
  const lower = k === 0 ? 0 : k * (1 - 1 / (9 * k) - z / (3 * Math.sqrt(k))) ** 3
  const k1 = k + 1
  const upper = k === 0 ? 3.689 : k1 * (1 - 1 / (9 * k1) + z / (3 * Math.sqrt(k1))) ** 3
  return [Math.max(0, lower), upper]
}

export interface ClipReplay {
  durationS: number
  /** Frames with a score (a usable face). */
  scoredFrames: number
  /** Fewer scored frames than the warm-up needs: the app never showed a verdict. */
  noVerdict: boolean
  firstHighS: number | null
  highEpisodes: number
  /** Largest evidence seen, as a share of the High bound (≥ 1 means High was reached). */
  peakEvidenceShare: number
}

/** Replays a clip's frame outcomes (time-ordered) through the app's risk aggregator. */
export function replayClip(
  outcomes: readonly FrameOutcome[],
  thresholds: RiskThresholds,
  fps: number,
): ClipReplay {
  const agg = new RiskAggregator(thresholds)
  let prev = 'analysing'
  let firstHighS: number | null = null
  let highEpisodes = 0
  let scoredFrames = 0
  let peak = 0
  for (const o of outcomes) {
    const level = agg.push(o).level
    if (o.kind === 'scored') scoredFrames++
    peak = Math.max(peak, agg.evidenceShare)
    if (level === 'high' && prev !== 'high') {
      highEpisodes++
      firstHighS ??= o.t / 1000
    }
    // A no-face stretch inside a High episode does not start a new one.
    if (level === 'high' || level === 'low' || level === 'elevated') prev = level
  }
  const last = outcomes[outcomes.length - 1]
  return {
    durationS: last ? last.t / 1000 + 1 / fps : 0,
    scoredFrames,
    noVerdict: scoredFrames < (DEFAULT_RISK_CONFIG.warmupMs / 1000) * fps,
    firstHighS,
    highEpisodes,
    peakEvidenceShare: peak,
  }
}
