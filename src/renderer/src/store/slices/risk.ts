import type { StateCreator } from 'zustand'
import type { DetectorStatus, RiskLevel, RiskUpdate } from '../../../../shared/detection.js'
import type { AppState } from '../types.js'

/** The face check of one remote person (one detector session each). */
export interface PeerRisk {
  /** The name shown for them (the security panel lists people by it). */
  name: string
  /** The latest update of their session; null before the first one and while switched off. */
  update: RiskUpdate | null
  /** A Verify check of them is running (its prompt's length). */
  verifying: boolean
  /** They share a screen: their face check is paused (no frames are sampled). */
  screenShare: boolean
}

/** The face check of the current call, as the call controller sees it (the badges read this). */
export interface RiskState {
  /** This build has a detector at all (the web build without a bridge, say, has none). */
  detector: boolean
  /** What the detector said about itself when the call started; null until it answers. */
  status: DetectorStatus | null
  /** The person's on/off switch for this call (all faces). */
  enabled: boolean
  /** By peer id, from the time their media connected until they leave. */
  peers: Record<string, PeerRisk>
}

export interface RiskSlice {
  risk: RiskState
  setRisk: (patch: Partial<RiskState>) => void
  /** Creates the person's entry (named `patch.name`, else '') or updates it. */
  setPeerRisk: (peerId: string, patch: Partial<PeerRisk>) => void
  removePeerRisk: (peerId: string) => void
}

export const IDLE_RISK: RiskState = {
  detector: false,
  status: null,
  enabled: true,
  peers: {},
}

export const IDLE_PEER_RISK: PeerRisk = {
  name: '',
  update: null,
  verifying: false,
  screenShare: false,
}

export const createRiskSlice: StateCreator<AppState, [], [], RiskSlice> = (set) => ({
  risk: IDLE_RISK,
  setRisk: (patch) => set((s) => ({ risk: { ...s.risk, ...patch } })),
  setPeerRisk: (peerId, patch) =>
    set((s) => {
      const peer = { ...IDLE_PEER_RISK, ...s.risk.peers[peerId], ...patch }
      return { risk: { ...s.risk, peers: { ...s.risk.peers, [peerId]: peer } } }
    }),
  removePeerRisk: (peerId) =>
    set((s) => {
      if (!(peerId in s.risk.peers)) return {}
      const peers = Object.fromEntries(Object.entries(s.risk.peers).filter(([id]) => id !== peerId))
      return { risk: { ...s.risk, peers } }
    }),
})

/**
 * The level a badge shows: off, unavailable, else the person's latest (analysing at first, and for
 * the call as a whole before anyone's media connected, `peer` absent).
 */
export function riskLevel(risk: RiskState, peer?: PeerRisk): RiskLevel {
  if (!risk.enabled) return 'off'
  if (!risk.detector || (risk.status !== null && !risk.status.available)) return 'unavailable'
  return peer?.update?.level ?? 'analysing'
}

/** What a badge shows: the detector's level, or the pause while that person shares a screen. */
export type ShownLevel = RiskLevel | 'screen_share'

export function shownLevel(risk: RiskState, peer?: PeerRisk): ShownLevel {
  const level = riskLevel(risk, peer)
  // A shared screen has no face to check: say so rather than "No face" (the sampler is paused).
  return peer?.screenShare === true && level !== 'off' && level !== 'unavailable'
    ? 'screen_share'
    : level
}

/** The detector is there and answering for this call: the sparkline and Verify make sense. */
export function riskAvailable(risk: RiskState): boolean {
  return risk.detector && risk.status?.available === true
}

/** One person's face check, for a video tile (undefined until their media connected). */
export const selectPeerRisk =
  (peerId: string) =>
  (s: AppState): PeerRisk | undefined =>
    s.risk.peers[peerId]

/** One person's shown level, or null when the call checks no face of theirs (audio, not yet up). */
export const selectPeerLevel =
  (peerId: string) =>
  (s: AppState): ShownLevel | null => {
    const peer = s.risk.peers[peerId]
    return peer ? shownLevel(s.risk, peer) : null
  }
