/**
 * Risk-level types, defaults and thresholds shared by the detector (main) and the call screen.
 * Isomorphic: no Node, no DOM.
 */
import type { RiskLevel } from './detection.js'

export type { RiskLevel }

/** The three risk levels proper, in rising order. */
export const RISK_LEVELS = ['low', 'elevated', 'high'] as const

export function levelRank(level: RiskLevel): number {
  const i = (RISK_LEVELS as readonly string[]).indexOf(level)
  return i // -1 for the no-data states
}

export interface RiskConfig {
  /** Valid frames of the last windowMs form one window; its score is the mean of the top half. */
  windowMs: number
  /** Time constant of the EMA over window scores. */
  emaTauMs: number
  /** The EMA must stay above a level's threshold this long before the level rises to it. */
  riseMs: number
  /** ... and below it this long before the level falls. */
  fallMs: number
  /** "Analysing…" until this much time with valid frames has been seen. */
  warmupMs: number
  /** Without a valid frame for this long the state becomes "No face" / "Insufficient quality". */
  noDataMs: number
  /** Sparkline span and resolution. */
  historyMs: number
  historyStepMs: number
  /** A gap between frames counts toward warm-up at most this much. */
  maxFrameGapMs: number
}

export const DEFAULT_RISK_CONFIG: RiskConfig = {
  windowMs: 3000,
  emaTauMs: 2000,
  riseMs: 3000,
  fallMs: 5000,
  warmupMs: 5000,
  noDataMs: 2000,
  historyMs: 60_000,
  historyStepMs: 1000,
  maxFrameGapMs: 1000,
}

/**
 * "High" is a sequential decision (a one-sided CUSUM on frame log-odds), not a frame percentile:
 * each valid frame adds (logit − driftLogit) × its duration in seconds, clamped to ±capLogit, to a
 * running evidence sum that never goes below 0 and never above 2 × highLogitSeconds. A steady real
 * face drifts it back to 0; a swap has to out-score the drift for long enough to fill it.
 */
export interface EvidenceRule {
  /** Frames above this log-odds count as evidence of a swap, frames below against. */
  driftLogit: number
  /** One frame's contribution is at most this many log-odds per second (a glitch is bounded). */
  capLogit: number
  /** Evidence (logit × seconds) at which the level becomes "High"; it falls below half of it. */
  highLogitSeconds: number
  /** Evidence at which the level is at least "Elevated". */
  elevatedLogitSeconds: number
}

/** Thresholds on the smoothed log-odds of "fake", and the evidence rule for "High". */
export interface RiskThresholds {
  elevatedLogit: number
  highLogit: number
  evidence: EvidenceRule
}

/** For a model whose sidecar gives no rule: drift at the per-frame High threshold. */
export function defaultEvidenceRule(highLogit: number): EvidenceRule {
  return { driftLogit: highLogit, capLogit: 4, highLogitSeconds: 6, elevatedLogitSeconds: 2 }
}

const logit = (p: number): number => Math.log(p / (1 - p))

/**
 * From a model's calibration (P(fake) thresholds chosen for a low false-alarm rate on real faces):
 * "High" at the threshold; "Elevated" at the given value or halfway in log-odds between 0.5 and it.
 */
export function thresholdsFromCalibration(cal: {
  threshold: number
  elevated?: number
  evidence?: EvidenceRule
}): RiskThresholds {
  const high = logit(cal.threshold)
  const elevated = cal.elevated !== undefined ? logit(cal.elevated) : Math.min(high, high / 2)
  return {
    elevatedLogit: elevated,
    highLogit: high,
    evidence: cal.evidence ?? defaultEvidenceRule(high),
  }
}

/** Per-frame outcome the aggregator consumes: a score, or why there was none. */
export type FrameOutcome =
  | { t: number; kind: 'scored'; logit: number }
  | { t: number; kind: 'no_face' }
  | { t: number; kind: 'poor_quality' }
