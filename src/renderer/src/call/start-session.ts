import type { Call } from 'veracall-signaling/protocol'
import type { AppStore } from '../store/index.js'
import { CallSession } from './call-session.js'
import { buildIceServers } from './ice-servers.js'
import type { RoomLink } from './room-link.js'

/**
 * Starts the call's peer connection over its room link and wires its events into the store.
 * `onConnectionState` runs before the store hears of the state.
 */
export function startCallSession(opts: {
  store: AppStore
  call: Call
  /** The local tracks; null while the devices are still opening (see CallSession.attachStream). */
  stream: MediaStream | null
  polite: boolean
  /** Rejoining a call in progress with a fresh connection (see CallSessionOptions.rejoin). */
  rejoin?: boolean
  link: RoomLink
  turnCredential: string
  /** This call's TURN relay from the server (fetched per call), added to the configured servers. */
  turnServers: RTCIceServer[]
  onConnectionState: (state: RTCPeerConnectionState) => void
}): CallSession {
  const { store, call, link } = opts
  const s = store.getState()
  const session = new CallSession({
    selfId: s.user?.id ?? '',
    polite: opts.polite,
    rejoin: opts.rejoin,
    iceServers: [
      ...buildIceServers({
        stunUrls: s.stunUrls,
        turn: s.turn ? { ...s.turn, credential: opts.turnCredential } : null,
      }),
      ...opts.turnServers,
    ],
    transport: link.transport,
    localStream: opts.stream ?? new MediaStream(),
    pendingMedia: opts.stream ? undefined : mediaKinds(call),
    log: (m) => console.debug(`[call ${call.id}] ${m}`),
  })
  session.on('remoteStream', (remote) => store.getState().setRemoteStream(remote))
  // The other app rejoined: the old remote stream is gone until the new connection's tracks come.
  session.on('peerReset', () => store.getState().setRemoteStream(null))
  session.on('connectionState', (state) => {
    opts.onConnectionState(state)
    store.getState().setConnectionState(state)
  })
  session.on('remoteMedia', (media) => store.getState().setRemoteMedia(media))
  session.on('challenge', (c) => store.getState().setChallenge({ ...c, receivedAt: Date.now() }))
  session.on('error', (e) => console.warn(`[call ${call.id}] ${e.code}: ${e.message}`))
  session.start()
  // The tracks, or transceivers for those to come, are on the connection now: the held offer
  // (callee) can be answered.
  link.transport.startReceiving()
  return session
}

/** What a call sends: audio, and video for a video call. */
export const mediaKinds = (call: Pick<Call, 'call_type'>): ('audio' | 'video')[] =>
  call.call_type === 'video' ? ['audio', 'video'] : ['audio']
