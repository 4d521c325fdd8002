import type { Call } from 'veracall-signaling/protocol'
import type { AppStore } from '../store/index.js'
import { CallSession, type MediaState, type RoomTransport } from './call-session.js'
import { buildIceServers } from './ice-servers.js'

/**
 * Starts the peer connection to one remote member of the call over its own slice of the room
 * (see PeerMesh) and wires its events into the store: that person's tile always, and the call's
 * single-peer fields (the 1:1 view, the face check) while `primary()` says this is the one.
 * `onConnectionState` decides the call's overall state from every connection's.
 */
export function startCallSession(opts: {
  store: AppStore
  call: Call
  stream: MediaStream
  remoteId: string
  polite: boolean
  /** Rejoining a call in progress with a fresh connection (see CallSessionOptions.rejoin). */
  rejoin?: boolean
  transport: RoomTransport
  turnCredential: string
  /** This call's TURN relay from the server (fetched per call), added to the configured servers. */
  turnServers: RTCIceServer[]
  primary: () => boolean
  onConnectionState: (state: RTCPeerConnectionState) => void
  onPeerPresent: (present: boolean) => void
  onRemoteMedia: (media: MediaState) => void
}): CallSession {
  const { store, call, remoteId } = opts
  const s = store.getState()
  const session = new CallSession({
    selfId: s.user?.id ?? '',
    polite: opts.polite,
    rejoin: opts.rejoin,
    // No remoteId: the transport is already this person's alone (PeerMesh routes and addresses).
    iceServers: [
      ...buildIceServers({
        stunUrls: s.stunUrls,
        turn: s.turn ? { ...s.turn, credential: opts.turnCredential } : null,
      }),
      ...opts.turnServers,
    ],
    transport: opts.transport,
    localStream: opts.stream,
    log: (m) => console.debug(`[call ${call.id} ↔ ${remoteId.slice(0, 8)}] ${m}`),
  })
  const live = store.getState().setPeerLive
  live(remoteId, {})
  session.on('remoteStream', (remote) => {
    live(remoteId, { stream: remote })
    if (opts.primary()) store.getState().setRemoteStream(remote)
  })
  // The other app rejoined: the old remote stream is gone until the new connection's tracks come.
  session.on('peerReset', () => {
    live(remoteId, { stream: null })
    if (opts.primary()) store.getState().setRemoteStream(null)
  })
  session.on('connectionState', (state) => {
    live(remoteId, { connectionState: state })
    opts.onConnectionState(state)
  })
  session.on('peerPresent', (present) => {
    live(remoteId, { present })
    opts.onPeerPresent(present)
  })
  session.on('remoteMedia', (media) => {
    live(remoteId, { media })
    if (opts.primary()) store.getState().setRemoteMedia(media)
    opts.onRemoteMedia(media)
  })
  session.on('challenge', (c) => store.getState().setChallenge({ ...c, receivedAt: Date.now() }))
  session.on('error', (e) => console.warn(`[call ${call.id}] ${e.code}: ${e.message}`))
  session.start()
  return session
}
