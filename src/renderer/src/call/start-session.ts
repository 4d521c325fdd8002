import type { Call, CallType } from 'veracall-signaling/protocol'
import type { AppStore } from '../store/index.js'
import { CallSession, type MediaState, type RoomTransport } from './call-session.js'
import { buildIceServers } from './ice-servers.js'
import { lateTransport, type LateTransport } from './late-transport.js'

/** A caller's connection to `remoteId` made before its call exists (see earlyCallSession). */
export interface EarlySession {
  remoteId: string
  session: CallSession
  transport: LateTransport
}

interface SessionConfig {
  store: AppStore
  /** The TURN credential of the settings' own TURN server. */
  turnCredential: string
  /** This call's TURN relay from the server (fetched per call), added to the configured servers. */
  turnServers: RTCIceServer[]
}

function createSession(
  opts: SessionConfig & {
    polite: boolean
    rejoin?: boolean
    transport: RoomTransport
    stream: MediaStream | null
    callType: CallType
    log: (message: string) => void
  },
): CallSession {
  const s = opts.store.getState()
  return new CallSession({
    selfId: s.user?.id ?? '',
    polite: opts.polite,
    rejoin: opts.rejoin,
    // The transport is already this person's alone (PeerMesh routes and addresses).
    iceServers: [
      ...buildIceServers({
        stunUrls: s.stunUrls,
        turn: s.turn ? { ...s.turn, credential: opts.turnCredential } : null,
      }),
      ...opts.turnServers,
    ],
    transport: opts.transport,
    localStream: opts.stream ?? new MediaStream(),
    pendingMedia: opts.stream ? undefined : mediaKinds(opts.callType),
    log: opts.log,
  })
}

const logFor =
  (prefix: string) =>
  (message: string): void =>
    console.debug(`[call${prefix}] ${message}`)

/**
 * The caller's connection to the one person of a 1:1 call, made before calls/start answers and
 * while the camera opens: its offer and candidates are ready (held in the session) by the time
 * the callee joins, and the camera's tracks go on with `attachStream`. startCallSession adopts it
 * once the call exists (PeerMesh connects to `remoteId` with it).
 */
export function earlyCallSession(
  opts: SessionConfig & { callType: CallType; remoteId: string },
): EarlySession {
  const transport = lateTransport()
  const log = logFor(` ↔ ${opts.remoteId.slice(0, 8)}`)
  const session = createSession({ ...opts, polite: false, transport, stream: null, log })
  session.on('error', (e) => console.warn(`[call] ${e.code}: ${e.message}`))
  session.start()
  return { remoteId: opts.remoteId, session, transport }
}

/**
 * Starts the peer connection to one remote member of the call over its own slice of the room
 * (see PeerMesh), or adopts the early one made for them (binding it to that slice), and wires
 * its events into the store: that person's tile always, and the call's single-peer fields (the
 * 1:1 view, the face check) while `primary()` says this is the one. `onConnectionState` decides
 * the call's overall state from every connection's.
 */
export function startCallSession(
  opts: SessionConfig & {
    call: Call
    /** The local tracks; null while the devices are still opening (CallSession.attachStream). */
    stream: MediaStream | null
    remoteId: string
    polite: boolean
    /** Rejoining a call in progress with a fresh connection (see CallSessionOptions.rejoin). */
    rejoin?: boolean
    transport: RoomTransport
    /** The caller's connection to `remoteId`, made before the call existed. */
    early?: EarlySession
    primary: () => boolean
    onConnectionState: (state: RTCPeerConnectionState) => void
    onPeerPresent: (present: boolean) => void
    onRemoteMedia: (media: MediaState) => void
  },
): CallSession {
  const { store, call, remoteId, early } = opts
  const session =
    early?.session ??
    createSession({
      ...opts,
      callType: call.call_type,
      log: logFor(` ${call.id} ↔ ${remoteId.slice(0, 8)}`),
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
  if (early) early.transport.bind(opts.transport)
  else {
    session.on('error', (e) => console.warn(`[call ${call.id}] ${e.code}: ${e.message}`))
    session.start()
  }
  return session
}

/** What a call sends: audio, and video for a video call. */
export const mediaKinds = (callType: CallType): ('audio' | 'video')[] =>
  callType === 'video' ? ['audio', 'video'] : ['audio']
