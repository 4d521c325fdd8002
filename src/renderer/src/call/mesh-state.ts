import type { PeerMesh } from './peer-mesh.js'

/** Best first: a call is as connected as its best connection (the others show on their tiles). */
const RANK: readonly RTCPeerConnectionState[] = [
  'connected',
  'connecting',
  'new',
  'disconnected',
  'failed',
  'closed',
]

/**
 * The call's one connection state from its connections' (a 1:1 call: its connection's). Media
 * with anyone keeps a group call going, so one connected peer makes the call `connected`.
 */
export function overallConnectionState(
  states: readonly RTCPeerConnectionState[],
): RTCPeerConnectionState {
  let best: RTCPeerConnectionState = 'new'
  let bestRank = Number.POSITIVE_INFINITY
  for (const state of states) {
    const rank = RANK.indexOf(state)
    if (rank < bestRank) {
      best = state
      bestRank = rank
    }
  }
  return best
}

export function meshConnectionState(mesh: PeerMesh): RTCPeerConnectionState {
  return overallConnectionState(mesh.entries().map(([, session]) => session.pc.connectionState))
}
