import {
  type Call,
  type CallType,
  type ChallengeKind,
  type Envelope,
  type User,
} from 'veracall-signaling/protocol'
import type { Platform } from '../platform/platform.js'
import type { AppStore } from '../store/index.js'
import type { CallSummary } from '../store/slices/call.js'
import { nameOf, otherParty } from '../store/selectors.js'
import { ApiError, toAppError } from '../signaling/api-error.js'
import type { ApiClient } from '../signaling/api-client.js'
import type { SocketFactory, WsClient } from '../signaling/ws-client.js'
import type { CallSession } from './call-session.js'
import { CallDetection } from './call-detection.js'
import { CallEvents } from './call-events.js'
import { CallRecording } from './call-recording.js'
import { CallVerification } from './call-verification.js'
import { callOutcome } from './call-outcome.js'
import { openLocalMedia, stopStream } from './media.js'
import { openRoom, type RoomLink } from './room-link.js'
import { Ringer } from './ringer.js'
import { ReconnectWatch, type ReconnectClock } from './reconnect-watch.js'
import { playReconnectCue } from './ringtone.js'
import { StatsSampler } from './stats-sampler.js'
import { earlyCallSession, startCallSession, type EarlySession } from './start-session.js'
import { captureFor, type CaptureScreen } from './screen-capture.js'
import { ScreenShare } from './screen-share.js'
import { fetchCallTurnServers } from './turn-credentials.js'

export interface CallControllerDeps {
  store: AppStore
  platform: Platform
  /** Plain-text strings for notifications. */
  t: (key: string, vars?: Record<string, string>) => string
  /** The signed-in session's REST client and token; null when signed out. */
  api: () => ApiClient | null
  token: () => string | null
  /** The TURN credential, kept in memory only. */
  turnCredential: () => string
  createSocket?: SocketFactory
  /** Starts the incoming-call ringtone and returns its stop function (WebAudio by default). */
  ringtone?: () => () => void
  /** How a screen share captures (the platform's way by default). */
  captureScreen?: CaptureScreen
  /** Local media opened: device labels are readable now. */
  onMediaOpened: () => void
  /** A call ended here (any way): the history has a new row. */
  onCallFinished: () => void
  /** The sound when a call starts reconnecting (WebAudio by default). */
  reconnectCue?: () => void
  /** Timers for the reconnection bound (tests inject a fake clock). */
  reconnectClock?: ReconnectClock
}

/**
 * One call at a time, from the click (or the ring) to the summary: REST, the room socket, the
 * CallSession, ringing, stats, and how it ended. Talks to the rest of the app only through its
 * deps, so nothing here reaches back into the session or the views.
 */
export class CallController {
  /** The face check of the current video call (its badge reads the store's `risk` slice). */
  readonly detection: CallDetection
  /** Sharing a screen in place of the camera during the current call. */
  readonly screenShare: ScreenShare
  /** The current call's verification code and the person's choice about it. */
  readonly verification: CallVerification
  /** Local recording of the current call, and the other side's. */
  readonly recording: CallRecording
  private room: WsClient | null = null
  private current: CallSession | null = null
  private readonly ringer: Ringer
  private readonly stats: StatsSampler
  private readonly events: CallEvents
  private watch: ReconnectWatch | null = null

  constructor(private readonly deps: CallControllerDeps) {
    this.ringer = new Ringer(deps.ringtone)
    this.stats = new StatsSampler(deps.store)
    this.events = new CallEvents({
      store: deps.store,
      platform: deps.platform,
      t: deps.t,
      api: deps.api,
      ringer: this.ringer,
      finish: (call, reason) => this.finish(call, reason),
    })
    this.detection = new CallDetection({
      store: deps.store,
      port: deps.platform.detection,
      sendChallenge: (kind) => this.sendChallenge(kind),
    })
    this.screenShare = new ScreenShare({
      store: deps.store,
      session: () => this.current,
      capture: deps.captureScreen ?? captureFor(deps.platform),
    })
    this.verification = new CallVerification({ store: deps.store })
    this.recording = new CallRecording({
      store: deps.store,
      platform: deps.platform,
      fileName: (name) => deps.t('recording.fileName', { name }),
    })
  }

  private get store(): AppStore {
    return this.deps.store
  }

  /** The room socket of the current call (exposed for diagnostics and fault tests). */
  get roomSocket(): WsClient | null {
    return this.room
  }

  /** The current call's session, null between calls (the device controller switches its tracks). */
  get session(): CallSession | null {
    return this.current
  }

  async startCall(peer: User, callType: CallType): Promise<void> {
    const s = this.store.getState()
    const api = this.deps.api()
    if (!api || !s.user || (s.phase !== 'idle' && s.phase !== 'ended')) return
    s.callOutgoing(peer, callType)
    const media = openLocalMedia(callType, s)
    // The connection makes its offer and gathers while the camera opens and calls/start is in
    // flight (nothing leaves this app before the callee joins); the tracks go on when they open.
    const early = this.callTurnServers(api).then((turnServers) =>
      earlyCallSession({
        store: this.store,
        callType,
        turnCredential: this.deps.turnCredential(),
        turnServers,
      }),
    )
    const drop = (): void => void early.then(({ session }) => session.close())
    let stream: MediaStream
    try {
      stream = await media
    } catch (err) {
      drop()
      if (this.store.getState().phase === 'outgoing') this.fail('media', err)
      return
    }
    // Cancelled while the devices opened: the callee must not ring.
    if (this.store.getState().phase !== 'outgoing') {
      stopStream(stream)
      drop()
      return
    }
    this.store.getState().setLocalStream(stream)
    this.deps.onMediaOpened()
    void early.then(({ session }) => session.attachStream(stream))
    let call: Call
    try {
      call = await api.startCall(peer.id, callType)
    } catch (err) {
      stopStream(stream)
      drop()
      this.fail(err instanceof ApiError && err.code === 'busy' ? 'busy' : 'start', err)
      return
    }
    const session = await early
    // Cancelled while the request was in flight.
    if (this.store.getState().phase !== 'outgoing') {
      stopStream(stream)
      drop()
      void api.endCall(call.id).catch(() => undefined)
      return
    }
    this.store.getState().callCreated(call)
    const link = this.connectRoom(call)
    this.startSession(call, stream, false, link, [], false, session)
    link.transport.startSending()
    this.ringer.ringback()
  }

  async accept(): Promise<void> {
    const s = this.store.getState()
    const call = s.call
    const api = this.deps.api()
    // The phase stays `incoming` while devices open: a second Accept (double click, Enter, the
    // desktop notification) must not send a second accept, which the server refuses with 409.
    if (!api || !call || s.phase !== 'incoming' || s.accepting) return
    s.setAccepting(true)
    this.ringer.stop()
    // The room socket (connect, authenticate, join) opens while the camera and the accept request
    // run, not after them: the caller's offer and candidates, held until we join, are waiting
    // when the session starts. The server lets either party join a call that is still ringing.
    const link = this.connectRoom(call)
    const turn = this.callTurnServers(api)
    const media = openLocalMedia(call.call_type, s)
    const turnServers = await turn
    if (!this.stillRinging(call)) {
      this.closeRoom(link)
      void media.then(stopStream, () => undefined)
      return
    }
    // The session answers the caller's offer as soon as it arrives, while the camera opens (its
    // tracks go on without renegotiation) and the accept request is in flight; what it sends
    // is held until the server has said yes.
    const session = this.startSession(call, null, true, link, turnServers)
    let stream: MediaStream
    try {
      stream = await media
    } catch (err) {
      if (this.current === session) this.teardown()
      this.closeRoom(link)
      if (!this.stillRinging(call)) return
      void api.declineCall(call.id).catch(() => undefined)
      this.fail('media', err)
      return
    }
    // Declined, missed or cancelled while the devices opened.
    if (!this.stillRinging(call)) {
      stopStream(stream)
      if (this.current === session) this.teardown()
      this.closeRoom(link)
      return
    }
    void session.attachStream(stream)
    this.store.getState().setLocalStream(stream)
    this.deps.onMediaOpened()
    try {
      const accepted = await api.acceptCall(call.id)
      // Declined, cancelled or missed while the request was in flight.
      if (!this.stillRinging(call)) {
        if (this.current === session) this.teardown()
        return
      }
      this.store.getState().callAccepted(accepted)
      // A state reached while the phase was still `incoming` takes effect now (connected → active).
      this.store.getState().setConnectionState(session.pc.connectionState)
      link.transport.startSending()
    } catch (err) {
      if (!this.stillRinging(call)) {
        if (this.current === session) this.teardown()
        return
      }
      this.fail('accept', err)
    }
  }

  /**
   * Rejoins the call this app left without hanging up (a reload): a fresh connection that offers
   * first, so the other side rebuilds its own for it (see CallSession's `rejoin`).
   */
  async rejoin(): Promise<void> {
    const s = this.store.getState()
    const call = s.rejoinable
    const api = this.deps.api()
    if (!api || !call || !s.user || (s.phase !== 'idle' && s.phase !== 'ended')) return
    const peer = otherParty(call, s.user.id)
    if (!peer) return
    const direction = call.caller_id === s.user.id ? 'outgoing' : 'incoming'
    s.callRejoining(call, peer, direction)
    const turnServers = this.callTurnServers(api)
    let stream: MediaStream
    try {
      stream = await openLocalMedia(call.call_type, s)
    } catch (err) {
      if (this.stillConnecting(call)) this.fail('media', err)
      return
    }
    // Hung up or ended while the devices opened.
    if (!this.stillConnecting(call)) {
      stopStream(stream)
      return
    }
    this.store.getState().setLocalStream(stream)
    this.deps.onMediaOpened()
    const link = this.connectRoom(call)
    this.startSession(call, stream, direction === 'incoming', link, await turnServers, true)
    link.transport.startSending()
  }

  /** Leaves the call offered for rejoining instead (it ends for a 1:1 call). */
  async endRejoinable(): Promise<void> {
    const s = this.store.getState()
    const call = s.rejoinable
    const api = this.deps.api()
    if (!call || !api) return
    s.setRejoinable(null)
    await api.endCall(call.id).catch(() => undefined)
    this.deps.onCallFinished()
  }

  async decline(): Promise<void> {
    const { call, phase } = this.store.getState()
    const api = this.deps.api()
    if (!api || !call || phase !== 'incoming') return
    this.ringer.stop()
    this.store.getState().callFinished(null, null)
    await api.declineCall(call.id).catch(() => undefined)
    this.deps.onCallFinished()
  }

  /** Cancels a ringing outgoing call or ends an answered one. */
  async hangUp(): Promise<void> {
    const { call, phase } = this.store.getState()
    if (phase === 'idle' || phase === 'ended') return
    if (phase === 'incoming') return this.decline()
    const api = this.deps.api()
    let ended: Call | null = null
    if (api && call) ended = await api.endCall(call.id).catch(() => null)
    this.finish(ended ?? call, phase === 'outgoing' ? 'cancelled' : 'completed')
  }

  /** Verify: asks the other person's app to prompt a liveness move; false outside a call. */
  sendChallenge(kind: ChallengeKind): boolean {
    if (!this.current) return false
    this.current.sendChallenge(kind)
    return true
  }

  dismissChallenge(): void {
    this.store.getState().setChallenge(null)
  }

  dismissSummary(): void {
    this.store.getState().dismissSummary()
  }

  dismissNotice(): void {
    this.store.getState().dismissNotice()
    this.store.getState().setCallError(null)
  }

  /** A message on the events socket: a call ringing here, or a change to the current call. */
  onEvent(message: Envelope): Promise<void> {
    return this.events.onEvent(message)
  }

  /** The events socket (re)opened: a call that rang meanwhile rings now. */
  catchUpRinging(): Promise<void> {
    return this.events.catchUpRinging()
  }

  private stillConnecting(call: Call): boolean {
    const { phase, call: current } = this.store.getState()
    return phase === 'connecting' && current?.id === call.id
  }

  private stillRinging(call: Call): boolean {
    const { phase, call: current } = this.store.getState()
    return phase === 'incoming' && current?.id === call.id
  }

  /** Opens the call's room socket; it becomes `this.room`, so a call ending meanwhile closes it. */
  private connectRoom(call: Call): RoomLink {
    const s = this.store.getState()
    this.room?.close()
    const link = openRoom({
      call,
      serverUrl: s.serverUrl,
      selfId: s.user?.id ?? '',
      getToken: this.deps.token,
      createSocket: this.deps.createSocket,
      onState: (state) => {
        this.store.getState().setSignalingState(state)
        this.watch?.update({ signalingOpen: state === 'open' })
      },
      onCallEnded: () => {
        if (this.store.getState().call?.id === call.id) this.finish(call, 'completed')
      },
    })
    this.room = link.room
    return link
  }

  /** Closes a room socket opened for a call that did not start. */
  private closeRoom(link: RoomLink): void {
    link.room.close()
    if (this.room === link.room) this.room = null
  }

  /**
   * This call's TURN relay from the server, unless the settings name a TURN server of their own
   * (that static entry overrides the server's).
   */
  private callTurnServers(api: ApiClient): Promise<RTCIceServer[]> {
    const { turn } = this.store.getState()
    if (turn && turn.urls.length > 0) return Promise.resolve([])
    return fetchCallTurnServers(api)
  }

  private startSession(
    call: Call,
    stream: MediaStream | null,
    polite: boolean,
    link: RoomLink,
    turnServers: RTCIceServer[],
    rejoin = false,
    early?: EarlySession,
  ): CallSession {
    const watch = this.watchReconnection(call)
    // The face check keys each remote face by user id (one session per person in a group call).
    const peer = this.store.getState().peer
    const peerId = peer?.id ?? ''
    const session = startCallSession({
      store: this.store,
      call,
      stream,
      polite,
      rejoin,
      link,
      early,
      turnCredential: this.deps.turnCredential(),
      turnServers,
      onConnectionState: (state) => {
        watch.update({ media: state })
        if (state !== 'connected') return
        this.ringer.stop()
        if (this.current === session) this.detection.connect(peerId, nameOf(peer))
      },
    })
    session.on('peerPresent', (present) => watch.update({ peerPresent: present }))
    // The other side shares a screen: no face to check until it stops.
    session.on('remoteMedia', (media) =>
      this.detection.setRemoteScreen(peerId, media.screen === true),
    )
    this.current = session
    this.verification.begin(call.id, session.pc)
    this.recording.begin(session, peer ? nameOf(peer) : '')
    this.stats.start(session)
    if (call.call_type === 'video') this.detection.begin(call.id)
    return session
  }

  /**
   * Shows (and sounds) a connected call's trouble, and ends it with `connection_lost` when media
   * stays down for the bound: the other side gets `call_ended` rather than a frozen screen.
   */
  private watchReconnection(call: Call): ReconnectWatch {
    this.watch?.stop()
    const watch = new ReconnectWatch({
      clock: this.deps.reconnectClock,
      onChange: (cause) => {
        if (this.watch !== watch) return
        const before = this.store.getState().reconnecting
        this.store.getState().setReconnecting(cause)
        if (cause && !before) (this.deps.reconnectCue ?? playReconnectCue)()
      },
      onGiveUp: () => {
        if (this.watch !== watch || this.store.getState().call?.id !== call.id) return
        void this.deps
          .api()
          ?.endCall(call.id)
          .catch(() => undefined)
        this.finish(call, 'connection_lost')
      },
    })
    this.watch = watch
    return watch
  }

  private teardown(): void {
    // First: a recording running is stopped, saved, and the other side told, while the room is up.
    void this.recording.finish()
    this.watch?.stop()
    this.watch = null
    this.ringer.stop()
    this.stats.stop()
    this.detection.finish()
    this.screenShare.reset()
    this.verification.finish()
    this.current?.close()
    this.current = null
    this.room?.close()
    this.room = null
    stopStream(this.store.getState().localStream)
  }

  /** Ends the local side of a call and shows either a summary or a notice. */
  private finish(call: Call | null, reason: CallSummary['reason']): void {
    const s = this.store.getState()
    if (s.phase === 'idle' || s.phase === 'ended') return
    this.teardown()
    const outcome = callOutcome(s, call, reason, Date.now(), this.deps.t)
    if (outcome.notification) void this.deps.platform.notify(outcome.notification)
    this.store.getState().callFinished(outcome.summary, outcome.notice)
    this.deps.onCallFinished()
  }

  private fail(kind: 'media' | 'start' | 'accept' | 'busy', err: unknown): void {
    const s = this.store.getState()
    const peer = s.peer
    const call = s.call
    const api = this.deps.api()
    if (call && api && kind !== 'start' && kind !== 'busy') {
      void api.endCall(call.id).catch(() => undefined)
    }
    this.teardown()
    s.callFinished(
      null,
      peer
        ? { kind: kind === 'busy' ? 'busy' : 'failed', peerName: nameOf(peer), at: Date.now() }
        : null,
    )
    this.store.getState().setCallError(kind === 'media' ? 'media' : toAppError(err).message)
  }
}
