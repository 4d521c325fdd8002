/**
 * The contract between the call screen and whatever runs the deepfake detector: Electron's main
 * process (through the preload API) or, in the plain web build, a small local bridge. Isomorphic.
 * Owned by the detection work (issue 4); the renderer only consumes it.
 */
export type RiskLevel =
  | 'off'
  | 'unavailable'
  | 'analysing'
  | 'no_face'
  | 'insufficient_quality'
  | 'low'
  | 'elevated'
  | 'high'

/**
 * Web bridge binary frame: this many bytes of little-endian header
 * [callId f64, timestampMs f64, width u32, height u32], then width × height × 4 RGBA bytes.
 */
export const FRAME_HEADER_BYTES = 24

/**
 * One RGBA frame of the remote video, long side ≤ MAX_FRAME_SIDE (ipc-contract.ts). `data` is
 * transferred, never copied.
 */
export interface FrameInput {
  callId: number
  width: number
  height: number
  timestampMs: number
  data: ArrayBuffer
}

export interface RiskUpdate {
  callId: number
  level: RiskLevel
  /** Smoothed P(fake)-like score in [0, 1], or null while there is no data. */
  score: number | null
  /** Recent smoothed scores for the sparkline (oldest first), null for no-data points. */
  history: (number | null)[]
  model: { name: string; version: string } | null
  /** The latest Verify challenge of this call, while it runs and once judged. */
  challenge?: ChallengeStatus
}

export type { ChallengeKind } from 'veracall-signaling/protocol'
import type { ChallengeKind } from 'veracall-signaling/protocol'

export interface ChallengeStatus {
  kind: ChallengeKind
  /** passed: the move was seen and the face held; broke_up: it did not hold (raises the risk). */
  state: 'running' | 'passed' | 'not_done' | 'broke_up'
  turned: boolean
  occluded: boolean
}

export interface DetectorStatus {
  available: boolean
  /** Why it is unavailable, in words a user can act on. */
  reason?: string
  model: { name: string; version: string } | null
  fps: number
}

export interface SecurityReport {
  callId: number
  model: { name: string; version: string } | null
  startedAt: number
  endedAt: number
  peakLevel: RiskLevel
  peakScore: number | null
  /** Share of analysed time at each level, 0..1. */
  shareByLevel: Partial<Record<RiskLevel, number>>
  timeline: { t: number; level: RiskLevel; score: number | null }[]
}

export interface DetectionPort {
  status(): Promise<DetectorStatus>
  startSession(callId: number): Promise<void>
  submitFrame(frame: FrameInput): Promise<void>
  endSession(callId: number): Promise<SecurityReport | null>
  onRisk(listener: (update: RiskUpdate) => void): () => void
  /**
   * Optional active check ("Verify"): the other person was asked (through the call room) to do
   * `kind`; analyse at the top rate while they do and judge what the face did.
   */
  verify?(callId: number, kind: ChallengeKind): Promise<void>
}
