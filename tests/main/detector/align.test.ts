import { describe, expect, it } from 'vitest'
import type { FaceDetection } from '../../../src/main/detector/blazeface.js'
import {
  cropGeometry,
  sampleCrop,
  toCropPoint,
  toPlanarTensor,
} from '../../../src/main/detector/align.js'
import { must } from './photos.js'
import { estimatePose, judgeQuality, sharpness } from '../../../src/main/detector/quality.js'

function face(angleDeg: number, cx = 200, cy = 150, side = 100): FaceDetection {
  const a = (angleDeg * Math.PI) / 180
  const rot = (dx: number, dy: number): [number, number] => [
    cx + dx * Math.cos(a) - dy * Math.sin(a),
    cy + dx * Math.sin(a) + dy * Math.cos(a),
  ]
  return {
    score: 0.9,
    box: { x: cx - side / 2, y: cy - side / 2, width: side, height: side },
    // eyes, nose, mouth, ears of an upright frontal face, rotated by angleDeg about the centre
    keypoints: [rot(-20, -15), rot(20, -15), rot(0, 5), rot(0, 25), rot(-45, -5), rot(45, -5)],
  }
}

describe('crop geometry', () => {
  it('levels the eye line and scales the box by cropScale', () => {
    const g = cropGeometry(face(30), 1.5)
    expect(g.angle).toBeCloseTo(Math.PI / 6, 6)
    expect(g.size).toBe(150)
    expect([g.cx, g.cy]).toEqual([200, 150])
    const f = face(30)
    const re = toCropPoint(g, 150, must(f.keypoints[0]))
    const le = toCropPoint(g, 150, must(f.keypoints[1]))
    expect(re[1]).toBeCloseTo(le[1], 6) // level after alignment
    expect(re[0]).toBeCloseTo(75 - 20, 6)
    expect(le[0]).toBeCloseTo(75 + 20, 6)
    expect(re[1]).toBeCloseTo(75 - 15, 6)
  })

  it('samples the rotated square from the frame, repeating edge pixels outside it', () => {
    // A frame whose red channel is x and green channel is y.
    const w = 256
    const h = 256
    const rgba = new Uint8Array(w * h * 4)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) rgba.set([x, y, 0, 255], (y * w + x) * 4)
    const straight = sampleCrop(rgba, w, h, { cx: 100, cy: 60, size: 64, angle: 0 }, 64)
    const px = (img: Uint8Array, u: number, v: number) =>
      Array.from(img.subarray((v * 64 + u) * 3, (v * 64 + u) * 3 + 2))
    expect(px(straight, 0, 0)).toEqual([68, 28])
    expect(px(straight, 63, 63)).toEqual([131, 91])
    // 90°: the crop's x axis runs down the frame.
    const turned = sampleCrop(rgba, w, h, { cx: 100, cy: 60, size: 64, angle: Math.PI / 2 }, 64)
    expect(px(turned, 63, 32)).toEqual([99, 91]) // crop +v maps to frame −x
    // Beyond the frame's top edge the first row repeats.
    const edge = sampleCrop(rgba, w, h, { cx: 100, cy: 0, size: 64, angle: 0 }, 64)
    expect(px(edge, 10, 0)[1]).toBe(0)
  })

  it('lays the crop out as planar RGB in [0,1]', () => {
    const rgb = new Uint8Array([255, 0, 51, 0, 255, 102, 0, 0, 0, 255, 255, 255])
    const t = toPlanarTensor(rgb, 2)
    expect(Array.from(t.subarray(0, 4))).toEqual([1, 0, 0, 1])
    expect(Array.from(t.subarray(8, 12)).map((v) => +v.toFixed(2))).toEqual([0.2, 0.4, 0, 1])
  })
})

describe('quality gates', () => {
  const sharpCrop = (): Uint8Array => {
    const rgb = new Uint8Array(64 * 64 * 3)
    for (let i = 0; i < 64 * 64; i++)
      rgb.fill(((i % 64) + Math.floor(i / 64)) % 2 ? 220 : 30, i * 3, i * 3 + 3)
    return rgb
  }

  it('passes a frontal, large, sharp face', () => {
    const f = face(10)
    const g = cropGeometry(f, 1.1)
    expect(judgeQuality(f, estimatePose(f, g), sharpness(sharpCrop(), 64))).toEqual({ ok: true })
  })

  it('turns small, low-score, blurred and turned faces into "no data"', () => {
    const f = face(0)
    const g = cropGeometry(f, 1.1)
    const pose = estimatePose(f, g)
    const crisp = sharpness(sharpCrop(), 64)
    expect(judgeQuality({ ...f, box: { ...f.box, width: 60, height: 60 } }, pose, crisp)).toEqual({
      ok: false,
      reason: 'small_face',
    })
    expect(judgeQuality({ ...f, score: 0.55 }, pose, crisp)).toEqual({
      ok: false,
      reason: 'low_score',
    })
    expect(judgeQuality(f, pose, sharpness(new Uint8Array(64 * 64 * 3).fill(90), 64))).toEqual({
      ok: false,
      reason: 'blurred',
    })
    const turned: FaceDetection = {
      ...f,
      keypoints: f.keypoints.map((p, i) => (i === 2 ? [p[0] + 20, p[1]] : p)),
    }
    expect(estimatePose(turned, g).yaw).toBeCloseTo(0.5, 6)
    expect(judgeQuality(turned, estimatePose(turned, g), crisp)).toEqual({
      ok: false,
      reason: 'extreme_pose',
    })
  })
})
