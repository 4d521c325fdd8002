import { describe, expect, it } from 'vitest'
import type { ChallengeFrame } from '../../../src/main/detector/challenge.js'
import {
  CHALLENGE_WINDOW_MS,
  ChallengeTracker,
  judgeChallenge,
} from '../../../src/main/detector/challenge.js'
import { RiskAggregator } from '../../../src/main/detector/score.js'
import { defaultEvidenceRule } from '../../../src/shared/risk.js'

const DT = 100 // the challenge runs at 10 fps
const seq = (seconds: number, f: (t: number) => Omit<ChallengeFrame, 't'>): ChallengeFrame[] =>
  Array.from({ length: (seconds * 1000) / DT }, (_, i) => ({ t: i * DT, ...f(i * DT) }))
const ok = (yaw: number, logit = -3): Omit<ChallengeFrame, 't'> => ({
  status: 'ok',
  yaw,
  logit,
})
/** Head turning left then right: a sine over the window, ±amplitude. */
const turning =
  (amplitude: number, logit = -3) =>
  (t: number): Omit<ChallengeFrame, 't'> => {
    const yaw = amplitude * Math.sin((2 * Math.PI * t) / 6000)
    // Past the pose gate a frame is "extreme_pose": still a face, with its yaw, but no score.
    return Math.abs(yaw) > 0.45
      ? { status: 'extreme_pose', yaw, logit: null }
      : { status: 'ok', yaw, logit }
  }

describe('judgeChallenge: turn your head', () => {
  it('passes a real head turn to both sides with a steady face', () => {
    const r = judgeChallenge('turn_head', seq(6, turning(0.6)), -3)
    expect(r).toMatchObject({ verdict: 'passed', turned: true, breakUp: null })
  })

  it('is "not done" (never "fake") when the person does not move', () => {
    const r = judgeChallenge(
      'turn_head',
      seq(6, () => ok(0.02)),
      -3,
    )
    expect(r).toMatchObject({ verdict: 'not_done', turned: false, breakUp: null })
  })

  it('needs both directions: a turn to one side only is not the move asked for', () => {
    const r = judgeChallenge(
      'turn_head',
      seq(6, (t) => ok(Math.min(0.4, t / 5000))),
      -3,
    )
    expect(r.verdict).toBe('not_done')
  })

  it('breaks up when the score jumps during the turn (the swap fails off-frontal)', () => {
    const r = judgeChallenge(
      'turn_head',
      seq(6, (t) => turning(0.6, Math.abs(Math.sin((2 * Math.PI * t) / 6000)) > 0.4 ? 3 : -3)(t)),
      -3,
    )
    expect(r).toMatchObject({ verdict: 'broke_up', breakUp: 'score_jump', turned: true })
  })

  it('breaks up when the face flickers in and out while it turns', () => {
    const r = judgeChallenge(
      'turn_head',
      seq(6, (t) =>
        Math.floor(t / 300) % 2 === 0
          ? turning(0.6)(t)
          : { status: 'no_face', yaw: null, logit: null },
      ),
      -3,
    )
    expect(r.breakUp).toBe('flicker')
    expect(r.verdict).toBe('broke_up')
  })
})

describe('judgeChallenge: pass a hand', () => {
  it('passes a hand that hides the face for half a second, face seen before and after', () => {
    const r = judgeChallenge(
      'pass_hand',
      seq(6, (t) =>
        t >= 2000 && t < 2500 ? { status: 'no_face', yaw: null, logit: null } : ok(0),
      ),
      -3,
    )
    expect(r).toMatchObject({ verdict: 'passed', occluded: true })
  })

  it('counts a covered-but-detected face (blurred / low score) as occluded too', () => {
    const r = judgeChallenge(
      'pass_hand',
      seq(6, (t) => (t >= 3000 && t < 3400 ? { status: 'blurred', yaw: 0.1, logit: null } : ok(0))),
      -3,
    )
    expect(r.occluded).toBe(true)
  })

  it('is "not done" for a single dropped frame', () => {
    const r = judgeChallenge(
      'pass_hand',
      seq(6, (t) => (t === 2000 ? { status: 'no_face', yaw: null, logit: null } : ok(0))),
      -3,
    )
    expect(r.verdict).toBe('not_done')
  })

  it('ignores score jumps without a baseline (no frames before the challenge)', () => {
    const r = judgeChallenge(
      'pass_hand',
      seq(6, () => ok(0, 5)),
      null,
    )
    expect(r.breakUp).toBeNull()
  })
})

describe('ChallengeTracker', () => {
  it('anchors to the first frame and judges once, on the first frame after the window', () => {
    const tr = new ChallengeTracker('turn_head', -3)
    const frames = seq(CHALLENGE_WINDOW_MS / 1000 + 1, turning(0.6))
    const t0 = 50_000
    const results = frames.map((f) => tr.push({ ...f, t: f.t + t0 }))
    const judged = results.flatMap((r, i) => (r ? [i] : []))
    expect(judged).toEqual([CHALLENGE_WINDOW_MS / DT + 1])
    expect(tr.state).toBe('passed')
  })

  it('a broken-up challenge raises the call to High through the aggregator', () => {
    const agg = new RiskAggregator({
      elevatedLogit: 0,
      highLogit: 2,
      evidence: defaultEvidenceRule(2),
    })
    for (let t = 0; t < 10_000; t += 200) agg.push({ t, kind: 'scored', logit: -3 })
    expect(agg.state.level).toBe('low')
    agg.addEvidence(2) // what the host adds for a break-up: the evidence cap
    expect(agg.push({ t: 10_000, kind: 'scored', logit: -3 }).level).toBe('high')
  })
})
