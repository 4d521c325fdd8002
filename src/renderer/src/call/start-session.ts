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
  stream: MediaStream
  polite: boolean
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
    iceServers: [
      ...buildIceServers({
        stunUrls: s.stunUrls,
        turn: s.turn ? { ...s.turn, credential: opts.turnCredential } : null,
      }),
      ...opts.turnServers,
    ],
    transport: link.transport,
    localStream: opts.stream,
    log: (m) => console.debug(`[call ${call.id}] ${m}`),
  })
  session.on('remoteStream', (remote) => store.getState().setRemoteStream(remote))
  session.on('connectionState', (state) => {
    opts.onConnectionState(state)
    store.getState().setConnectionState(state)
  })
  session.on('remoteMedia', (media) => store.getState().setRemoteMedia(media))
  session.on('challenge', (c) => store.getState().setChallenge({ ...c, receivedAt: Date.now() }))
  session.on('error', (e) => console.warn(`[call ${call.id}] ${e.code}: ${e.message}`))
  session.start()
  // The tracks are on the connection now: the held offer (callee) can be answered with them.
  link.transport.startReceiving()
  return session
}
