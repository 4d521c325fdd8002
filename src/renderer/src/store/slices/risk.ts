import type { StateCreator } from 'zustand'
import type { DetectorStatus, RiskLevel, RiskUpdate } from '../../../../shared/detection.js'
import type { AppState } from '../types.js'

/** The face check of the current call, as the call controller sees it (the badge reads this). */
export interface RiskState {
  /** This build has a detector at all (the web build without a bridge, say, has none). */
  detector: boolean
  /** What the detector said about itself when the call started; null until it answers. */
  status: DetectorStatus | null
  /** The latest update for this call; null before the first one and while switched off. */
  update: RiskUpdate | null
  /** The person's on/off switch for this call. */
  enabled: boolean
  /** A Verify check is running (its prompt's length). */
  verifying: boolean
  /** The other person shares a screen: the face check is paused (no frames are sampled). */
  screenShare: boolean
}

export interface RiskSlice {
  risk: RiskState
  setRisk: (patch: Partial<RiskState>) => void
}

export const IDLE_RISK: RiskState = {
  detector: false,
  status: null,
  update: null,
  enabled: true,
  verifying: false,
  screenShare: false,
}

export const createRiskSlice: StateCreator<AppState, [], [], RiskSlice> = (set) => ({
  risk: IDLE_RISK,
  setRisk: (patch) => set((s) => ({ risk: { ...s.risk, ...patch } })),
})

/** The level the badge shows: off, unavailable, else the detector's latest (analysing at first). */
export function riskLevel(risk: RiskState): RiskLevel {
  if (!risk.enabled) return 'off'
  if (!risk.detector || (risk.status !== null && !risk.status.available)) return 'unavailable'
  return risk.update?.level ?? 'analysing'
}

/** The detector is there and answering for this call: the sparkline and Verify make sense. */
export function riskAvailable(risk: RiskState): boolean {
  return risk.detector && risk.status?.available === true
}
