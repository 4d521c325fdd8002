import type { Call, CallType } from 'veracall-signaling/protocol'
import type { AppStore } from '../store/index.js'
import { CallSession, type RoomTransport } from './call-session.js'
import { buildIceServers } from './ice-servers.js'
import { lateTransport, type LateTransport } from './late-transport.js'
import type { RoomLink } from './room-link.js'

/** A caller's session made before its call exists (see earlyCallSession). */
export interface EarlySession {
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

/**
 * The caller's connection, made before calls/start answers and while the camera opens: its
 * offer and candidates are ready (held in the session) by the time the callee joins, and the
 * camera's tracks go on with `attachStream`. startCallSession adopts it once the call exists.
 */
export function earlyCallSession(opts: SessionConfig & { callType: CallType }): EarlySession {
  const transport = lateTransport()
  const log = (m: string): void => console.debug(`[call] ${m}`)
  const session = createSession({ ...opts, polite: false, transport, stream: null, log })
  session.on('error', (e) => console.warn(`[call] ${e.code}: ${e.message}`))
  session.start()
  return { session, transport }
}

/**
 * Starts the call's peer connection over its room link (or adopts an early one, binding it to
 * the link) and wires its events into the store. `onConnectionState` runs before the store
 * hears of the state.
 */
export function startCallSession(
  opts: SessionConfig & {
    call: Call
    /** The local tracks; null while the devices are still opening (CallSession.attachStream). */
    stream: MediaStream | null
    polite: boolean
    /** Rejoining a call in progress with a fresh connection (see CallSessionOptions.rejoin). */
    rejoin?: boolean
    link: RoomLink
    early?: EarlySession
    onConnectionState: (state: RTCPeerConnectionState) => void
  },
): CallSession {
  const { store, call, link, early } = opts
  const session =
    early?.session ??
    createSession({
      ...opts,
      transport: link.transport,
      callType: call.call_type,
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
  if (early) early.transport.bind(link.transport)
  else {
    session.on('error', (e) => console.warn(`[call ${call.id}] ${e.code}: ${e.message}`))
    session.start()
  }
  // The tracks, or transceivers for those to come, are on the connection now: the held offer
  // (callee) can be answered.
  link.transport.startReceiving()
  return session
}

/** What a call sends: audio, and video for a video call. */
export const mediaKinds = (callType: CallType): ('audio' | 'video')[] =>
  callType === 'video' ? ['audio', 'video'] : ['audio']
