/**
 * The Verify challenge, judged on the requester's side from what the detector saw of the remote
 * face while the other person was asked to turn their head or pass a hand in front of it. Pure.
 *
 * Live face swappers break down in exactly these moves (profile views and occlusions are rare in
 * their training data): the swapped face flickers, vanishes while a real one would still be
 * tracked, or its score jumps. A person who simply ignores the prompt is "not verified", never
 * "fake": only a break-up raises the risk.
 */
import type { ChallengeKind } from 'veracall-signaling/protocol'
import { CHALLENGE_DURATION_MS } from 'veracall-signaling/protocol'
import type { FrameStatus } from './engine.js'

export interface ChallengeFrame {
  t: number
  status: FrameStatus
  /** Head yaw from the keypoints (nose offset / eye distance), null when no face was found. */
  yaw: number | null
  /** Classifier log-odds, only for frames that passed the quality gates. */
  logit: number | null
}

export type ChallengeVerdict = 'passed' | 'not_done' | 'broke_up'

export interface ChallengeOutcome {
  verdict: ChallengeVerdict
  /** What was seen, whatever was asked. */
  turned: boolean
  occluded: boolean
  /** Why it broke up, for the report; null otherwise. */
  breakUp: 'score_jump' | 'flicker' | null
}

/** Yaw span (both directions together) that counts as "turned left, then right". */
export const TURN_YAW_SPAN = 0.5
/** A hand pass hides or degrades the face for at least this long, with the face seen on both sides. */
export const OCCLUSION_MIN_MS = 200
/** The score rising this many log-odds over the pre-challenge baseline, on ≥ 2 frames. */
export const SCORE_JUMP_LOGIT = 4
/** Face found / lost transitions beyond what one move explains. */
export const FLICKER_TRANSITIONS = 6

const faceSeen = (f: ChallengeFrame): boolean => f.status !== 'no_face' && f.status !== 'low_score'
const faceUsable = (f: ChallengeFrame): boolean => f.status === 'ok'

function sawTurn(frames: readonly ChallengeFrame[]): boolean {
  const yaws = frames.flatMap((f) => (f.yaw === null ? [] : [f.yaw]))
  if (yaws.length < 2) return false
  const lo = Math.min(...yaws)
  const hi = Math.max(...yaws)
  return hi - lo >= TURN_YAW_SPAN && lo < 0 && hi > 0
}

/** A stretch of ≥ OCCLUSION_MIN_MS without a usable face, with a usable face before and after. */
function sawOcclusion(frames: readonly ChallengeFrame[]): boolean {
  let seenBefore = false
  let gapStart: number | null = null
  for (const f of frames) {
    if (faceUsable(f)) {
      if (seenBefore && gapStart !== null && f.t - gapStart >= OCCLUSION_MIN_MS) return true
      seenBefore = true
      gapStart = null
    } else if (seenBefore && gapStart === null) gapStart = f.t
  }
  return false
}

function transitions(frames: readonly ChallengeFrame[]): number {
  let n = 0
  for (let i = 1; i < frames.length; i++) {
    if (faceSeen(frames[i - 1] as ChallengeFrame) !== faceSeen(frames[i] as ChallengeFrame)) n++
  }
  return n
}

/**
 * `baselineLogit`: the typical score of this face before the challenge (null when there was none);
 * `frames`: the challenge window, time-ordered.
 */
export function judgeChallenge(
  kind: ChallengeKind,
  frames: readonly ChallengeFrame[],
  baselineLogit: number | null,
): ChallengeOutcome {
  const turned = sawTurn(frames)
  const occluded = sawOcclusion(frames)
  const jumps =
    baselineLogit === null
      ? 0
      : frames.filter((f) => f.logit !== null && f.logit - baselineLogit >= SCORE_JUMP_LOGIT).length
  const breakUp =
    jumps >= 2 ? 'score_jump' : transitions(frames) >= FLICKER_TRANSITIONS ? 'flicker' : null
  const done = kind === 'turn_head' ? turned : occluded
  const verdict: ChallengeVerdict = breakUp ? 'broke_up' : done ? 'passed' : 'not_done'
  return { verdict, turned, occluded, breakUp }
}

/** The countdown on the other side, then the move: the window the requester's detector watches. */
export const CHALLENGE_WINDOW_MS = CHALLENGE_DURATION_MS

/**
 * One call's challenge in progress, on the frame clock: opened by Verify, anchored to the next
 * analysed frame, judged on the first frame after the window.
 */
export class ChallengeTracker {
  private from: number | null = null
  private readonly frames: ChallengeFrame[] = []
  private outcome: ChallengeOutcome | null = null

  constructor(
    readonly kind: ChallengeKind,
    private readonly baselineLogit: number | null,
    private readonly windowMs = CHALLENGE_WINDOW_MS,
  ) {}

  /** Adds an analysed frame; returns the outcome once, when the window has passed. */
  push(frame: ChallengeFrame): ChallengeOutcome | null {
    if (this.outcome) return null
    this.from ??= frame.t
    if (frame.t - this.from <= this.windowMs) {
      this.frames.push(frame)
      return null
    }
    this.outcome = judgeChallenge(this.kind, this.frames, this.baselineLogit)
    return this.outcome
  }

  get state(): ChallengeVerdict | 'running' {
    return this.outcome?.verdict ?? 'running'
  }

  get result(): ChallengeOutcome | null {
    return this.outcome
  }
}
