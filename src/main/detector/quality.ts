/* eslint-disable @typescript-eslint/no-non-null-assertion -- typed-array kernels: every index is
   in range by construction, and `?? 0` in the inner loops would hide a real bug. */
/**
 * Quality gates: a frame that fails one is "no data", never a score. Thresholds are defaults
 * chosen on the training crops' distribution (see resources/models/MODEL_CARD.md).
 */
import type { FaceDetection, Point } from './blazeface.js'
import { Keypoint } from './blazeface.js'
import type { CropGeometry } from './align.js'
import { toCropPoint } from './align.js'

export interface QualityThresholds {
  /** Smallest face (larger box side, source pixels). */
  minFacePx: number
  minDetectionScore: number
  /** Variance of the Laplacian of the grey crop (0-255 scale). */
  minSharpness: number
  /** |nose offset from the eye midpoint| / eye distance, in the aligned crop. */
  maxYaw: number
  /** Nose height between the eye line (0) and the mouth (1); outside the range = tilted. */
  pitchRange: [number, number]
}

export const DEFAULT_QUALITY: QualityThresholds = {
  minFacePx: 80,
  minDetectionScore: 0.6,
  minSharpness: 8,
  maxYaw: 0.45,
  pitchRange: [0.2, 0.85],
}

export type QualityVerdict =
  { ok: true } | { ok: false; reason: 'small_face' | 'low_score' | 'blurred' | 'extreme_pose' }

export interface PoseEstimate {
  yaw: number
  pitch: number
}

export function estimatePose(face: FaceDetection, g: CropGeometry): PoseEstimate {
  const p = (k: Keypoint): Point => toCropPoint(g, 1, face.keypoints[k]!)
  const re = p(Keypoint.RightEye)
  const le = p(Keypoint.LeftEye)
  const nose = p(Keypoint.NoseTip)
  const mouth = p(Keypoint.Mouth)
  const eyeDist = Math.hypot(le[0] - re[0], le[1] - re[1]) || 1e-6
  const midX = (re[0] + le[0]) / 2
  const midY = (re[1] + le[1]) / 2
  const down = mouth[1] - midY
  return {
    yaw: (nose[0] - midX) / eyeDist,
    pitch: Math.abs(down) > 1e-6 ? (nose[1] - midY) / down : 0,
  }
}

/**
 * Variance of the 4-neighbour Laplacian over the grey crop (interleaved RGB bytes). `grey` is
 * scratch space of size × size, passed in by callers that run per frame.
 */
export function sharpness(
  rgb: Uint8Array,
  size: number,
  grey: Float32Array = new Float32Array(size * size),
): number {
  for (let i = 0; i < grey.length; i++) {
    grey[i] = 0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!
  }
  let sum = 0
  let sumSq = 0
  let n = 0
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      const i = y * size + x
      const l = grey[i - 1]! + grey[i + 1]! + grey[i - size]! + grey[i + size]! - 4 * grey[i]!
      sum += l
      sumSq += l * l
      n++
    }
  }
  const mean = sum / n
  return sumSq / n - mean * mean
}

export function judgeQuality(
  face: FaceDetection,
  pose: PoseEstimate,
  sharp: number,
  t: QualityThresholds = DEFAULT_QUALITY,
): QualityVerdict {
  if (Math.max(face.box.width, face.box.height) < t.minFacePx) {
    return { ok: false, reason: 'small_face' }
  }
  if (face.score < t.minDetectionScore) return { ok: false, reason: 'low_score' }
  if (
    Math.abs(pose.yaw) > t.maxYaw ||
    pose.pitch < t.pitchRange[0] ||
    pose.pitch > t.pitchRange[1]
  ) {
    return { ok: false, reason: 'extreme_pose' }
  }
  if (sharp < t.minSharpness) return { ok: false, reason: 'blurred' }
  return { ok: true }
}
