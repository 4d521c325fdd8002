import type { StateCreator } from 'zustand'
import type { Call, CallType, ClientDataOf, EndReason, User } from 'veracall-signaling/protocol'
import type { AppState } from '../types.js'
import type { QualitySample } from '../../call/stats.js'
import type { MediaState } from '../../call/call-session.js'
import type { WsState } from '../../signaling/ws-client.js'
import type { ReconnectCause } from '../../call/reconnect-watch.js'
import { isGroupCall } from '../../call/mesh-roles.js'
import type { ScreenSource } from '../../../../shared/screen-sources.js'

export type CallPhase = 'idle' | 'outgoing' | 'incoming' | 'connecting' | 'active' | 'ended'
export type Direction = 'outgoing' | 'incoming'

export interface CallSummary {
  callId: number
  /** The other person of a 1:1 call; a group call's first callee (or its caller). */
  peer: User
  /**
   * Everyone else who was connected at some point of the call, in the order they connected (a
   * 1:1 call: `peer`). Never empty.
   */
  people: User[]
  callType: CallType
  direction: Direction
  /** `connection_lost`: this app ended the call because it could not reconnect in time. */
  reason: EndReason | 'failed' | 'connection_lost'
  durationS: number
  quality: QualitySample | null
}

/** What this app knows live about one remote person of a call (one per connection). */
export interface PeerLive {
  stream: MediaStream | null
  media: MediaState
  connectionState: RTCPeerConnectionState | 'new'
  /** Their app is in the call's room (peer_left makes it false until they come back). */
  present: boolean
}

export interface CallNotice {
  kind:
    | 'declined'
    | 'missed'
    | 'cancelled'
    | 'cancelledByCaller'
    | 'busy'
    /** A group call refused because one of its people is in another call (peerNames: them all). */
    | 'busyGroup'
    | 'failed'
    | 'unanswered'
  /** The other person, or everyone else in a group call; listed as the language lists names. */
  peerNames: string[]
  at: number
}

/** A mid-call device change that failed: what was tried and, roughly, why. */
export interface DeviceError {
  action: 'camera' | 'cameraOn' | 'microphone' | 'speaker' | 'screen'
  reason: 'denied' | 'busy' | 'missing' | 'other'
}

export interface CallSlice {
  phase: CallPhase
  call: Call | null
  peer: User | null
  callType: CallType
  direction: Direction
  localStream: MediaStream | null
  remoteStream: MediaStream | null
  micEnabled: boolean
  cameraEnabled: boolean
  remoteMedia: MediaState
  connectionState: RTCPeerConnectionState | 'new'
  signalingState: WsState
  connectedAt: number | null
  quality: QualitySample | null
  summary: CallSummary | null
  notice: CallNotice | null
  callError: string | null
  /** Accept was pressed and the call is not answered yet (devices opening, request in flight). */
  accepting: boolean
  deviceError: DeviceError | null
  /** A Verify challenge the other person's app sent us, with when it arrived (ms). */
  challenge: (ClientDataOf<'challenge'> & { receivedAt: number }) | null
  /** A connected call that is trying to recover, and why; null while it is fine. */
  reconnecting: ReconnectCause | null
  /** A call in progress that this app left without hanging up (a reload): it can rejoin. */
  rejoinable: Call | null
  /** This side is sharing a screen or window in place of the camera. */
  screenSharing: boolean
  /** The desktop app's source picker is open with these sources (null: closed). */
  screenPicker: ScreenSource[] | null
  /** A group call (more than two people invited): the grid, `to` addressing, no 1:1 extras. */
  group: boolean
  /** Each remote person's connection, by user id (the grid's tiles; 1:1 calls have one). */
  peers: Record<string, PeerLive>
  callOutgoing: (peer: User, callType: CallType) => void
  callCreated: (call: Call) => void
  /** The server's newer view of the current call (someone invited, joined, left). */
  callUpdated: (call: Call) => void
  setGroup: (group: boolean) => void
  setPeerLive: (userId: string, patch: Partial<PeerLive>) => void
  dropPeer: (userId: string) => void
  callIncoming: (call: Call, peer: User) => void
  callAccepted: (call: Call) => void
  setAccepting: (accepting: boolean) => void
  setLocalStream: (stream: MediaStream | null) => void
  setRemoteStream: (stream: MediaStream | null) => void
  setMicEnabled: (enabled: boolean) => void
  setCameraEnabled: (enabled: boolean) => void
  setRemoteMedia: (media: MediaState) => void
  setConnectionState: (state: RTCPeerConnectionState) => void
  setSignalingState: (state: WsState) => void
  setQuality: (sample: QualitySample) => void
  callFinished: (summary: CallSummary | null, notice: CallNotice | null) => void
  dismissSummary: () => void
  dismissNotice: () => void
  setCallError: (message: string | null) => void
  setDeviceError: (error: DeviceError | null) => void
  setChallenge: (challenge: CallSlice['challenge']) => void
  setReconnecting: (cause: ReconnectCause | null) => void
  setRejoinable: (call: Call | null) => void
  /** Rejoining `call` (in progress) with `peer`: straight to connecting. */
  callRejoining: (call: Call, peer: User, direction: Direction) => void
  setScreenSharing: (sharing: boolean) => void
  setScreenPicker: (sources: ScreenSource[] | null) => void
}

const idle = {
  phase: 'idle' as CallPhase,
  call: null,
  peer: null,
  localStream: null,
  remoteStream: null,
  micEnabled: true,
  cameraEnabled: true,
  remoteMedia: { audio: true, video: true },
  connectionState: 'new' as const,
  signalingState: 'idle' as WsState,
  connectedAt: null,
  quality: null,
  accepting: false,
  deviceError: null,
  challenge: null,
  reconnecting: null as ReconnectCause | null,
  screenSharing: false,
  screenPicker: null,
  group: false,
  peers: {} as Record<string, PeerLive>,
}

const NEW_PEER: PeerLive = {
  stream: null,
  media: { audio: true, video: true },
  connectionState: 'new',
  present: false,
}

export const createCallSlice: StateCreator<AppState, [], [], CallSlice> = (set, get) => ({
  ...idle,
  callType: 'video',
  direction: 'outgoing',
  summary: null,
  notice: null,
  callError: null,
  rejoinable: null,
  callOutgoing: (peer, callType) =>
    set({
      ...idle,
      phase: 'outgoing',
      peer,
      callType,
      direction: 'outgoing',
      cameraEnabled: callType === 'video',
      remoteMedia: { audio: true, video: callType === 'video' },
      summary: null,
      notice: null,
      callError: null,
    }),
  callCreated: (call) => set({ call }),
  callUpdated: (call) => {
    if (get().call?.id === call.id) set({ call })
  },
  setGroup: (group) => set({ group }),
  setPeerLive: (userId, patch) => {
    const peers = get().peers
    set({ peers: { ...peers, [userId]: { ...(peers[userId] ?? NEW_PEER), ...patch } } })
  },
  dropPeer: (userId) => {
    set({ peers: Object.fromEntries(Object.entries(get().peers).filter(([id]) => id !== userId)) })
  },
  callIncoming: (call, peer) =>
    set({
      ...idle,
      phase: 'incoming',
      call,
      peer,
      group: isGroupCall(call),
      callType: call.call_type,
      direction: 'incoming',
      cameraEnabled: call.call_type === 'video',
      remoteMedia: { audio: true, video: call.call_type === 'video' },
      summary: null,
      notice: null,
      callError: null,
    }),
  callAccepted: (call) => set({ call, phase: 'connecting', accepting: false }),
  setAccepting: (accepting) => set({ accepting }),
  setLocalStream: (localStream) => set({ localStream }),
  setRemoteStream: (remoteStream) => set({ remoteStream }),
  setMicEnabled: (micEnabled) => set({ micEnabled }),
  setCameraEnabled: (cameraEnabled) => set({ cameraEnabled }),
  setRemoteMedia: (remoteMedia) => set({ remoteMedia }),
  setConnectionState: (connectionState) => {
    const { phase, connectedAt } = get()
    // The timer starts at the first connection and survives reconnects.
    if (connectionState === 'connected' && (phase === 'connecting' || phase === 'outgoing')) {
      set({ connectionState, phase: 'active', connectedAt: connectedAt ?? Date.now() })
    } else {
      set({ connectionState })
    }
  },
  setSignalingState: (signalingState) => set({ signalingState }),
  setQuality: (quality) => set({ quality }),
  callFinished: (summary, notice) =>
    set({ ...idle, phase: summary ? 'ended' : 'idle', summary, notice }),
  dismissSummary: () => set({ phase: 'idle', summary: null }),
  dismissNotice: () => set({ notice: null }),
  setCallError: (callError) => set({ callError }),
  setDeviceError: (deviceError) => set({ deviceError }),
  setChallenge: (challenge) => set({ challenge }),
  setReconnecting: (reconnecting) => set({ reconnecting }),
  setRejoinable: (rejoinable) => set({ rejoinable }),
  callRejoining: (call, peer, direction) =>
    set({
      ...idle,
      phase: 'connecting',
      call,
      peer,
      callType: call.call_type,
      direction,
      cameraEnabled: call.call_type === 'video',
      remoteMedia: { audio: true, video: call.call_type === 'video' },
      summary: null,
      notice: null,
      callError: null,
      rejoinable: null,
    }),
  setScreenSharing: (screenSharing) => set({ screenSharing }),
  setScreenPicker: (screenPicker) => set({ screenPicker }),
})
