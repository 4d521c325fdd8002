import { describe, expect, it } from 'vitest'
import {
  auc,
  bootstrapAuc,
  poissonCi,
  replayClip,
  roc,
  wilson,
} from '../../../src/main/detector/evaluation.js'
import { parseCsv, readIndex } from '../../../src/main/detector/eval-index.js'
import type { FrameOutcome } from '../../../src/shared/risk.js'
import { defaultEvidenceRule } from '../../../src/shared/risk.js'

const TH = { elevatedLogit: 0, highLogit: 2, evidence: defaultEvidenceRule(2) }
const clip = (seconds: number, f: (t: number) => FrameOutcome, fps = 5): FrameOutcome[] =>
  Array.from({ length: seconds * fps }, (_, i) => f((i * 1000) / fps))

describe('auc and roc', () => {
  it('gives 1 for a perfect ranking, 0.5 for ties, and half credit for tied pairs', () => {
    expect(auc([3, 4], [1, 2])).toBe(1)
    expect(auc([1, 1], [1, 1])).toBe(0.5)
    expect(auc([2], [1, 2, 3])).toBe(0.5)
    expect(auc([], [1])).toBeNaN()
  })

  it('finds the equal error rate and TPR at 1 % FPR', () => {
    const neg = Array.from({ length: 100 }, (_, i) => i)
    const pos = Array.from({ length: 100 }, (_, i) => i + 50)
    const r = roc(pos, neg)
    expect(r.eer).toBeCloseTo(0.25, 2)
    expect(r.tprAt1).toBeCloseTo(0.51, 2) // threshold 99: one real (1 %) and 51 fakes above
  })
})

describe('bootstrapAuc', () => {
  it('resamples videos, not frames: many frames of one clip do not narrow the interval', () => {
    // Two fake videos (one separable, one not) and two real ones, each with many frames.
    const many = (v: number): number[] => Array.from({ length: 50 }, () => v)
    const items = [
      { label: 1 as const, unit: 'f1', scores: many(5) },
      { label: 1 as const, unit: 'f2', scores: many(0) },
      { label: 0 as const, unit: 'r1', scores: many(1) },
      { label: 0 as const, unit: 'r2', scores: many(-1) },
    ]
    const [lo, hi] = bootstrapAuc(items, 1, 400)
    // By video the AUC can be anything from 0.5 to 1; by frame the interval would be a point.
    expect(lo).toBeLessThanOrEqual(0.5)
    expect(hi).toBe(1)
  })

  it('is reproducible for a seed', () => {
    const items = [
      { label: 1 as const, unit: 'a', scores: [1, 2] },
      { label: 0 as const, unit: 'b', scores: [0, 1.5] },
    ]
    expect(bootstrapAuc(items, 7, 100)).toEqual(bootstrapAuc(items, 7, 100))
  })
})

describe('intervals', () => {
  it('wilson brackets the proportion', () => {
    const [lo, hi] = wilson(5, 100)
    expect(lo).toBeLessThan(0.05)
    expect(hi).toBeGreaterThan(0.05)
    expect(wilson(0, 0)[0]).toBeNaN()
  })

  it('poissonCi is close to the exact Garwood interval', () => {
    expect(poissonCi(0)).toEqual([0, 3.689])
    const [lo, hi] = poissonCi(5)
    expect(lo).toBeCloseTo(1.62, 1)
    expect(hi).toBeCloseTo(11.67, 1)
  })
})

describe('replayClip', () => {
  it('reports a clip shorter than the warm-up as no verdict, not as a miss', () => {
    const r = replayClip(
      clip(3, (t) => ({ t, kind: 'scored', logit: 9 })),
      TH,
      5,
    )
    expect(r.noVerdict).toBe(true)
    expect(r.firstHighS).toBeNull()
  })

  it('counts time to first High and High episodes', () => {
    const seq = clip(40, (t) => ({ t, kind: 'scored', logit: t < 20_000 ? 6 : -6 }))
    const again = clip(20, (t) => ({ t: t + 40_000, kind: 'scored', logit: 6 }))
    const r = replayClip([...seq, ...again], TH, 5)
    expect(r.noVerdict).toBe(false)
    expect(r.firstHighS).toBe(5)
    expect(r.highEpisodes).toBe(2)
    expect(r.durationS).toBeCloseTo(60, 5)
    expect(r.peakEvidenceShare).toBeGreaterThanOrEqual(1)
  })

  it('does not count a no-face gap inside a High episode as a new episode', () => {
    const a = clip(20, (t) => ({ t, kind: 'scored', logit: 6 }))
    const gap = clip(5, (t) => ({ t: t + 20_000, kind: 'no_face' }))
    const b = clip(10, (t) => ({ t: t + 25_000, kind: 'scored', logit: 6 }))
    expect(replayClip([...a, ...gap, ...b], TH, 5).highEpisodes).toBe(1)
  })
})

describe('eval index', () => {
  it('parses quoted CSV fields with commas and doubled quotes', () => {
    expect(parseCsv('a,b\n"x, y","say ""hi"""\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
    ])
  })

  it('finds a row by the longest path suffix, so real/x and fake/x stay apart', async () => {
    const csv =
      'file,label,video_id,family\nreal/x.jpg,real,v1,"real: talking head"\nfake/x.jpg,fake,v2,lip-sync\n'
    const idx = await readIndex(['i.csv'], () => Promise.resolve(csv))
    expect(idx.size).toBe(2)
    expect(idx.lookup('/data/set/fake/x.jpg')?.video_id).toBe('v2')
    expect(idx.lookup('/data/set/real/x.jpg')?.family).toBe('real: talking head')
    expect(idx.lookup('/data/other.jpg')).toBeUndefined()
  })
})
