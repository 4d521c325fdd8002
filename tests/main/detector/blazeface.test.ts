import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FaceDetection } from '../../../src/main/detector/blazeface.js'
import {
  ANCHOR_COUNTS,
  DETECTOR_SIZE,
  decodeDetections,
  detectorInput,
  iou,
  weightedNms,
} from '../../../src/main/detector/blazeface.js'
import { FaceDetector } from '../../../src/main/detector/face-detector.js'
import { demoPhoto, must } from './photos.js'

/**
 * Hand-checked on the photos scaled to 640 px wide (boxes and eye centres read off an overlay):
 * [box centre x, y, side, right eye x, y (image left), left eye x, y].
 */
const EXPECTED: Record<string, [number, number, number, number, number, number, number][]> = {
  'sample1.jpg': [
    [311, 182, 91, 295, 167, 327, 167],
    [533, 104, 101, 532, 80, 561, 102],
    [161, 160, 96, 153, 148, 179, 165],
  ],
  'sample3.jpg': [
    [404, 127, 95, 380, 104, 420, 113],
    [234, 163, 98, 220, 137, 259, 153],
  ],
}

function match(found: FaceDetection[], want: (typeof EXPECTED)[string][number]): FaceDetection {
  const [cx, cy] = want
  const best = found
    .map((f) => ({
      f,
      d: Math.hypot(f.box.x + f.box.width / 2 - cx, f.box.y + f.box.height / 2 - cy),
    }))
    .sort((a, b) => a.d - b.d)[0]
  return must(best, `a face near ${cx},${cy}`).f
}

describe('BlazeFace on real photos', () => {
  let detector: FaceDetector
  beforeAll(async () => {
    detector = await FaceDetector.create()
  })
  afterAll(async () => {
    await detector.release()
  })

  for (const [photo, faces] of Object.entries(EXPECTED)) {
    it(`finds the ${faces.length} frontal faces in ${photo} with boxes and eyes in place`, async () => {
      const img = await demoPhoto(photo)
      const found = await detector.detect(img.data, img.width, img.height)
      expect(found).toHaveLength(faces.length)
      for (const want of faces) {
        const f = match(found, want)
        const [cx, cy, side, rex, rey, lex, ley] = want
        expect(Math.abs(f.box.x + f.box.width / 2 - cx)).toBeLessThan(8)
        expect(Math.abs(f.box.y + f.box.height / 2 - cy)).toBeLessThan(8)
        expect(Math.abs(f.box.width - side) / side).toBeLessThan(0.15)
        const [re, le] = [must(f.keypoints[0]), must(f.keypoints[1])]
        expect(Math.hypot(re[0] - rex, re[1] - rey)).toBeLessThan(6)
        expect(Math.hypot(le[0] - lex, le[1] - ley)).toBeLessThan(6)
        expect(f.score).toBeGreaterThan(0.6)
      }
      // Weighted NMS leaves one detection per face: no two overlap.
      found.forEach((a, i) =>
        found.slice(i + 1).forEach((b) => expect(iou(a.box, b.box)).toBeLessThan(0.3)),
      )
    })
  }

  it('finds no face in a flat grey frame', async () => {
    const grey = new Uint8Array(640 * 480 * 4).fill(128)
    expect(await detector.detect(grey, 640, 480)).toEqual([])
  })
})

describe('detector input', () => {
  it('letterboxes into [-1,1] NHWC with box-filter downscaling', () => {
    const w = 256
    const h = 128
    const rgba = new Uint8Array(w * h * 4)
    for (let i = 0; i < w * h; i++) rgba.set([255, 0, 255, 255], i * 4)
    const { tensor, letterbox } = detectorInput(rgba, w, h)
    expect(letterbox).toEqual({ scale: 0.5, padX: 0, padY: 32 })
    const at = (x: number, y: number) =>
      Array.from(tensor.subarray((y * 128 + x) * 3, (y * 128 + x) * 3 + 3))
    expect(at(64, 10)).toEqual([0, 0, 0]) // padding
    expect(at(64, 64)).toEqual([1, -1, 1])
  })
})

describe('decode + weighted NMS', () => {
  it('maps an anchor offset to source pixels through the letterbox', () => {
    const scores: [Float32Array, Float32Array] = [
      new Float32Array(must(ANCHOR_COUNTS[0])).fill(-10),
      new Float32Array(must(ANCHOR_COUNTS[1])).fill(-10),
    ]
    const regs: [Float32Array, Float32Array] = [
      new Float32Array(must(ANCHOR_COUNTS[0]) * 16),
      new Float32Array(must(ANCHOR_COUNTS[1]) * 16),
    ]
    // Layer 2 (8×8, stride 16), cell (x=3, y=2), anchor 1 → index (2*8+3)*6+1.
    const a = (2 * 8 + 3) * 6 + 1
    scores[1][a] = 3
    regs[1].set([2, -4, 32, 40, -8, -6, 8, -6, 0, 0, 0, 10, -16, 0, 16, 0], a * 16)
    const lb = { scale: 0.5, padX: 0, padY: 16 }
    const d = must(decodeDetections(scores, regs, lb)[0])
    expect(d.score).toBeCloseTo(1 / (1 + Math.exp(-3)), 6)
    // anchor centre (56, 40) in the 128 px input; centre (58, 36) → source (116, 40)
    expect(d.box.width).toBe(64)
    expect(d.box.height).toBe(80)
    expect(d.box.x + d.box.width / 2).toBeCloseTo(116, 6)
    expect(d.box.y + d.box.height / 2).toBeCloseTo(40, 6)
    expect(d.keypoints[0]).toEqual([96, 36])
    expect(DETECTOR_SIZE).toBe(128)
  })

  it('merges overlapping candidates by score weight and keeps separate faces apart', () => {
    const mk = (x: number, score: number): FaceDetection => ({
      score,
      box: { x, y: 0, width: 100, height: 100 },
      keypoints: [[x + 30, 40]],
    })
    const out = weightedNms([mk(0, 0.9), mk(10, 0.6), mk(500, 0.7)])
    expect(out).toHaveLength(2)
    expect(out[0]?.score).toBe(0.9)
    expect(out[0]?.box.x).toBeCloseTo(4, 6) // (0·0.9 + 10·0.6) / 1.5
    expect(out[0]?.keypoints[0]?.[0]).toBeCloseTo(34, 6)
    expect(out[1]?.box.x).toBeCloseTo(500, 6)
  })
})
