/* eslint-disable @typescript-eslint/no-non-null-assertion -- typed-array kernels: every index is
   in range by construction, and `?? 0` in the inner loops would hide a real bug. */
/**
 * Eye-line alignment and square face crop, pure. The same code makes the training crops
 * (scripts/prepare-crops.ts) and the run-time crops, so the classifier sees what it was trained on.
 */
import type { FaceDetection, Point } from './blazeface.js'
import { Keypoint } from './blazeface.js'

/** Where a crop sits in the source frame: centre, side length (px) and rotation (radians). */
export interface CropGeometry {
  cx: number
  cy: number
  size: number
  angle: number
}

/**
 * The crop is centred on the box centre, rotated so the eyes are level, and `cropScale` times the
 * larger box side. The rotation is the eye line's angle (right eye → left eye, image left → right).
 */
export function cropGeometry(face: FaceDetection, cropScale: number): CropGeometry {
  const re = face.keypoints[Keypoint.RightEye]!
  const le = face.keypoints[Keypoint.LeftEye]!
  const angle = Math.atan2(le[1] - re[1], le[0] - re[0])
  return {
    cx: face.box.x + face.box.width / 2,
    cy: face.box.y + face.box.height / 2,
    size: Math.max(face.box.width, face.box.height) * cropScale,
    angle,
  }
}

/** Maps a source-frame point into crop pixel coordinates for a crop of side `outSize`. */
export function toCropPoint(g: CropGeometry, outSize: number, p: Point): Point {
  const dx = p[0] - g.cx
  const dy = p[1] - g.cy
  const c = Math.cos(-g.angle)
  const s = Math.sin(-g.angle)
  const k = outSize / g.size
  return [(dx * c - dy * s) * k + outSize / 2, (dx * s + dy * c) * k + outSize / 2]
}

/**
 * Samples the crop from an RGBA frame into interleaved RGB bytes [S,S,3]. Bilinear, with the
 * edge pixels repeated outside the frame. When the crop is much larger than S, it first averages a
 * small grid of taps per pixel so that downscaling does not alias.
 */
export function sampleCrop(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  g: CropGeometry,
  outSize: number,
  out: Uint8Array = new Uint8Array(outSize * outSize * 3),
): Uint8Array {
  const step = g.size / outSize
  const taps = Math.max(1, Math.min(4, Math.round(step)))
  const c = Math.cos(g.angle)
  const s = Math.sin(g.angle)
  const half = outSize / 2
  const n = taps * taps
  // Each tap's offset from the centre, rotated, per column (and, identically, per row): the same
  // products the inner loop would otherwise form taps² × S² times.
  const lc = new Float64Array(outSize * taps)
  const ls = new Float64Array(outSize * taps)
  for (let k = 0; k < outSize; k++) {
    for (let t = 0; t < taps; t++) {
      const l = (k + (t + 0.5) / taps - half) * step
      lc[k * taps + t] = l * c
      ls[k * taps + t] = l * s
    }
  }
  for (let v = 0; v < outSize; v++) {
    for (let u = 0; u < outSize; u++) {
      // Bilinear taps inlined with scalar sums: this loop runs taps² × S² times per frame.
      let r = 0
      let gr = 0
      let b = 0
      for (let ty = 0; ty < taps; ty++) {
        const j = v * taps + ty
        for (let tx = 0; tx < taps; tx++) {
          const i = u * taps + tx
          const xc = Math.min(Math.max(g.cx + lc[i]! - ls[j]! - 0.5, 0), width - 1)
          const yc = Math.min(Math.max(g.cy + ls[i]! + lc[j]! - 0.5, 0), height - 1)
          const x0 = Math.floor(xc)
          const y0 = Math.floor(yc)
          const x1 = Math.min(x0 + 1, width - 1)
          const y1 = Math.min(y0 + 1, height - 1)
          const fx = xc - x0
          const fy = yc - y0
          const i00 = (y0 * width + x0) * 4
          const i01 = (y0 * width + x1) * 4
          const i10 = (y1 * width + x0) * 4
          const i11 = (y1 * width + x1) * 4
          r +=
            (rgba[i00]! * (1 - fx) + rgba[i01]! * fx) * (1 - fy) +
            (rgba[i10]! * (1 - fx) + rgba[i11]! * fx) * fy
          gr +=
            (rgba[i00 + 1]! * (1 - fx) + rgba[i01 + 1]! * fx) * (1 - fy) +
            (rgba[i10 + 1]! * (1 - fx) + rgba[i11 + 1]! * fx) * fy
          b +=
            (rgba[i00 + 2]! * (1 - fx) + rgba[i01 + 2]! * fx) * (1 - fy) +
            (rgba[i10 + 2]! * (1 - fx) + rgba[i11 + 2]! * fx) * fy
        }
      }
      const o = (v * outSize + u) * 3
      out[o] = Math.round(r / n)
      out[o + 1] = Math.round(gr / n)
      out[o + 2] = Math.round(b / n)
    }
  }
  return out
}

/** Interleaved RGB bytes [S,S,3] → planar float32 [1,3,S,S] in [0,1], the classifier's layout. */
export function toPlanarTensor(
  rgb: Uint8Array,
  size: number,
  out: Float32Array = new Float32Array(3 * size * size),
): Float32Array {
  const plane = size * size
  for (let i = 0; i < plane; i++) {
    out[i] = rgb[i * 3]! / 255
    out[plane + i] = rgb[i * 3 + 1]! / 255
    out[2 * plane + i] = rgb[i * 3 + 2]! / 255
  }
  return out
}
