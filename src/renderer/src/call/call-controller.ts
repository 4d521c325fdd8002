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
import type { MediaState } from './call-session.js'
import { CallDetection } from './call-detection.js'
import { CallEvents } from './call-events.js'
import { CallRecording } from './call-recording.js'
import { CallVerification } from './call-verification.js'
import { callOutcome } from './call-outcome.js'
import { openLocalMedia, stopStream, type DeviceChoice } from './media.js'
import { openRoom, type RoomLink } from './room-link.js'
import { isGroupCall, isPoliteTowards } from './mesh-roles.js'
import { PeerMesh, type LocalMediaSession } from './peer-mesh.js'
import { meshConnectionState } from './mesh-state.js'
import { Ringer } from './ringer.js'
import { ReconnectWatch, systemClock, type ReconnectClock } from './reconnect-watch.js'
import { GROUP_SEND_SCALE } from './first-frame.js'
import { playReconnectCue } from './ringtone.js'
import { StatsSampler } from './stats-sampler.js'
import { earlyCallSession, startCallSession, type EarlySession } from './start-session.js'
import { captureFor, type CaptureScreen } from './screen-capture.js'
import { ScreenShare } from './screen-share.js'
import { fetchCallTurnServers } from './turn-credentials.js'

/**
 * How long Hang up waits for the server's answer before leaving anyway: one round trip normally;
 * a server shedding load asks for a retry in seconds (the end goes on being retried behind).
 */
export const HANG_UP_WAIT_MS = 2_000

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
  /** Timers for the reconnection bound and the hang-up wait (tests inject a fake clock). */
  reconnectClock?: ReconnectClock
}

/**
 * One call at a time, from the click (or the ring) to the summary: REST, the room socket, one
 * CallSession per remote person (a PeerMesh: a 1:1 call has one), ringing, stats, and how it
 * ended. Talks to the rest of the app only through its
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
  private mesh: PeerMesh | null = null
  /**
   * The remote person whose connection feeds the call's single-peer fields (the 1:1 view and its
   * recording): a 1:1 call's other person, a group call's first connection. The face check is
   * per person (CallDetection keys everything by user id).
   */
  private primaryId: string | null = null
  /** Everyone connected at some point of the current call, in that order (the summary's people). */
  private attended: User[] = []
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
      sendChallenge: (kind, peerId) => this.sendChallenge(kind, peerId),
    })
    this.screenShare = new ScreenShare({
      store: deps.store,
      session: () => this.mesh,
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

  /**
   * The current call's connections as one (mute, camera, device switch and screen share change
   * them all), null between calls.
   */
  get session(): LocalMediaSession | null {
    return this.mesh
  }

  /** A 1:1 call, placed exactly as before group calls (`callee_id`). */
  startCall(peer: User, callType: CallType): Promise<void> {
    return this.place([peer], callType)
  }

  /** A call with 1 to MAX_CALL_PARTICIPANTS - 1 people, all rung at once. */
  startGroupCall(people: User[], callType: CallType): Promise<void> {
    return this.place(people, callType)
  }

  /**
   * Call again, from the summary: everyone who took part in the call that ended, rung at once as
   * the home screen does; one person (a 1:1 call) is a 1:1 call, as before.
   */
  callAgain(): Promise<void> {
    const summary = this.store.getState().summary
    if (!summary) return Promise.resolve()
    this.dismissSummary()
    const { people, callType } = summary
    const [only] = people
    return people.length > 1
      ? this.startGroupCall(people, callType)
      : this.startCall(only ?? summary.peer, callType)
  }

  private async place(people: User[], callType: CallType): Promise<void> {
    const s = this.store.getState()
    const api = this.deps.api()
    const peer = people[0]
    if (!api || !s.user || !peer || (s.phase !== 'idle' && s.phase !== 'ended')) return
    const group = people.length > 1
    s.callOutgoing(peer, callType)
    if (group) s.setGroup(true)
    const turn = this.callTurnServers(api)
    const media = this.openMedia(callType, s)
    // 1:1: the connection to the callee makes its offer and gathers while the camera opens and
    // calls/start is in flight (nothing leaves this app before the callee joins); the tracks go
    // on when they open, and the mesh adopts it. A group call connects to each person as they
    // answer (PeerMesh).
    const early = group
      ? null
      : turn.then((turnServers) =>
          earlyCallSession({
            store: this.store,
            callType,
            remoteId: peer.id,
            turnCredential: this.deps.turnCredential(),
            turnServers,
          }),
        )
    const drop = (): void => void early?.then(({ session }) => session.close())
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
    void early?.then(({ session }) => session.attachStream(stream))
    let call: Call
    try {
      call = group
        ? await api.startGroupCall(
            people.map((p) => p.id),
            callType,
          )
        : await api.startCall(peer.id, callType)
    } catch (err) {
      stopStream(stream)
      drop()
      const busy = err instanceof ApiError && err.code === 'busy'
      this.fail(busy ? (group ? 'busyGroup' : 'busy') : 'start', err, people)
      return
    }
    const turnServers = await turn
    const adopted = (await early) ?? undefined
    // Cancelled while the request was in flight.
    if (this.store.getState().phase !== 'outgoing') {
      stopStream(stream)
      drop()
      void api.endCall(call.id).catch(() => undefined)
      return
    }
    this.store.getState().callCreated(call)
    const link = this.connectRoom(call)
    this.openMesh(call, stream, link, turnServers, { early: adopted })
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
    if (isGroupCall(call)) return this.acceptGroup(call, api)
    // The room socket (connect, authenticate, join) opens while the camera and the accept request
    // run, not after them: the caller's offer and candidates, held until we join, are waiting
    // when the session starts. The server lets either party join a call that is still ringing.
    const link = this.connectRoom(call)
    const turn = this.callTurnServers(api)
    const media = this.openMedia(call.call_type, s)
    const turnServers = await turn
    if (!this.stillRinging(call)) {
      this.closeRoom(link)
      void media.then(stopStream, () => undefined)
      return
    }
    // The session answers the caller's offer as soon as it arrives, while the camera opens (its
    // tracks go on without renegotiation) and the accept request is in flight; what it sends
    // is held until the server has said yes.
    const mesh = this.openMesh(call, null, link, turnServers)
    let stream: MediaStream
    try {
      stream = await media
    } catch (err) {
      if (this.mesh === mesh) this.teardown()
      this.closeRoom(link)
      if (!this.stillRinging(call)) return
      void api.declineCall(call.id).catch(() => undefined)
      this.fail('media', err)
      return
    }
    // Declined, missed or cancelled while the devices opened.
    if (!this.stillRinging(call)) {
      stopStream(stream)
      if (this.mesh === mesh) this.teardown()
      this.closeRoom(link)
      return
    }
    void mesh.attachStream(stream)
    this.store.getState().setLocalStream(stream)
    this.deps.onMediaOpened()
    try {
      const accepted = await api.acceptCall(call.id)
      // Declined, cancelled or missed while the request was in flight.
      if (!this.stillRinging(call)) {
        if (this.mesh === mesh) this.teardown()
        return
      }
      this.store.getState().callAccepted(accepted)
      // A state reached while the phase was still `incoming` takes effect now (connected → active).
      this.store.getState().setConnectionState(meshConnectionState(mesh))
      link.transport.startSending()
    } catch (err) {
      if (!this.stillRinging(call)) {
        if (this.mesh === mesh) this.teardown()
        return
      }
      this.fail('accept', err)
    }
  }

  /**
   * A group call admits only its joined people to the room: the accept goes first, then the room
   * opens and each person already in it gets a connection (they offer, or we do: mesh-roles.ts).
   */
  private async acceptGroup(call: Call, api: ApiClient): Promise<void> {
    const s = this.store.getState()
    s.setGroup(true)
    const turn = this.callTurnServers(api)
    let stream: MediaStream
    try {
      stream = await this.openMedia(call.call_type, s)
    } catch (err) {
      if (!this.stillRinging(call)) return
      void api.declineCall(call.id).catch(() => undefined)
      this.fail('media', err)
      return
    }
    let accepted: Call
    try {
      accepted = await api.acceptCall(call.id)
    } catch (err) {
      stopStream(stream)
      if (this.stillRinging(call)) this.fail('accept', err)
      return
    }
    const turnServers = await turn
    // Declined, cancelled or missed while the devices opened or the request was in flight.
    if (!this.stillRinging(call)) {
      stopStream(stream)
      void api.endCall(call.id).catch(() => undefined)
      return
    }
    this.store.getState().setLocalStream(stream)
    this.deps.onMediaOpened()
    this.store.getState().callAccepted(accepted)
    const link = this.connectRoom(accepted)
    this.openMesh(accepted, stream, link, turnServers)
    link.transport.startSending()
  }

  /**
   * Rings one more person into the current call (participants only, MAX_CALL_PARTICIPANTS in
   * all). Resolves to null when they are ringing, else the server's error code (`call_full`,
   * `busy`, `conflict` when they are in the call already, ...).
   */
  async invite(person: User): Promise<string | null> {
    const { call, phase } = this.store.getState()
    const api = this.deps.api()
    if (!api || !call || (phase !== 'active' && phase !== 'connecting')) return 'conflict'
    try {
      const updated = await api.inviteToCall(call.id, person.id)
      this.store.getState().callUpdated(updated)
      this.syncParticipants(updated)
      return null
    } catch (err) {
      return toAppError(err).code
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
    // A group call: this app offers to each person still in it as they are found in the room.
    if (isGroupCall(call)) s.setGroup(true)
    const turnServers = this.callTurnServers(api)
    let stream: MediaStream
    try {
      stream = await this.openMedia(call.call_type, s)
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
    this.openMesh(call, stream, link, await turnServers, { rejoin: true })
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

  /**
   * Cancels a ringing outgoing call or ends an answered one. The server is told first, so the
   * others hear that this person left before the room socket closes; a busy server's 503 is
   * retried (api-client), but behind a bounded wait: the camera and the call never stay up
   * longer than HANG_UP_WAIT_MS, and the history reloads once the end lands.
   */
  async hangUp(): Promise<void> {
    const { call, phase } = this.store.getState()
    if (phase === 'idle' || phase === 'ended') return
    if (phase === 'incoming') return this.decline()
    const api = this.deps.api()
    const reason = phase === 'outgoing' ? 'cancelled' : 'completed'
    if (!api || !call) return this.finish(call, reason)
    const ending = api.endCall(call.id).catch(() => null)
    const ended = await this.within(HANG_UP_WAIT_MS, ending)
    this.finish(ended ?? call, reason)
    if (ended === undefined) void ending.then(() => this.deps.onCallFinished())
  }

  /** `promise`'s value, or undefined once `ms` have passed without it. */
  private within<T>(ms: number, promise: Promise<T>): Promise<T | undefined> {
    const clock = this.deps.reconnectClock ?? systemClock
    return new Promise((resolve) => {
      const timer = clock.setTimeout(() => resolve(undefined), ms)
      void promise.then((value) => {
        clock.clearTimeout(timer)
        resolve(value)
      })
    })
  }

  /** Verify: asks that person's app to prompt a liveness move; false if they are not connected. */
  sendChallenge(kind: ChallengeKind, peerId: string): boolean {
    const session = this.mesh?.get(peerId)
    if (!session) return false
    session.sendChallenge(kind)
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

  /**
   * The server's newer view of the current call: a group call from now on if more than two
   * people are in its list, and whoever left, declined or missed it loses their connection.
   */
  private syncParticipants(call: Call): void {
    const s = this.store.getState()
    if (s.call?.id !== call.id || !this.mesh) return
    if (isGroupCall(call) && !s.group) this.becomeGroup()
    for (const p of call.participants ?? []) {
      if (p.status === 'joined' || p.status === 'invited') continue
      this.removePeer(p.user_id)
    }
  }

  /**
   * A 1:1 call that someone was added to. Messages are addressed from now on (PeerMesh), and the
   * extras that assume one other person stop: the recording (saved), the screen share, the
   * verification code (it is one pair's), the quality sample (one connection's).
   */
  private becomeGroup(): void {
    this.store.getState().setGroup(true)
    for (const [, session] of this.mesh?.entries() ?? []) session.setSendScale(GROUP_SEND_SCALE)
    void this.recording.finish()
    if (this.store.getState().screenSharing) void this.screenShare.stop()
    this.verification.finish()
    this.stats.stop()
  }

  /** That person is no longer in the call: their connection and tile go; the call goes on. */
  private removePeer(userId: string): void {
    const mesh = this.mesh
    if (!mesh?.remove(userId)) return
    this.store.getState().dropPeer(userId)
    // Their face's session ends and its report is filed.
    this.detection.removePeer(userId)
    if (this.primaryId === userId) this.choosePrimary(mesh)
    this.onMeshChanged(mesh)
  }

  /** The next connection feeds the single-peer fields. */
  private choosePrimary(mesh: PeerMesh): void {
    const next = mesh.entries()[0]
    this.primaryId = next?.[0] ?? null
    const s = this.store.getState()
    const live = this.primaryId ? s.peers[this.primaryId] : undefined
    s.setRemoteStream(live?.stream ?? null)
    if (live) s.setRemoteMedia(live.media)
  }

  /** A message on the events socket: a call ringing here, or a change to the current call. */
  async onEvent(message: Envelope): Promise<void> {
    await this.events.onEvent(message)
    const call = this.store.getState().call
    // The events module updated the call (participant_*): connections follow.
    if (call) this.syncParticipants(call)
  }

  /** The events socket (re)opened: a call that rang meanwhile rings now. */
  catchUpRinging(): Promise<void> {
    return this.events.catchUpRinging()
  }

  private stillConnecting(call: Call): boolean {
    const { phase, call: current } = this.store.getState()
    return phase === 'connecting' && current?.id === call.id
  }

  /**
   * Opens the camera and microphone for a call. The call screen's Mute works while they open (a
   * camera can take seconds): the microphone comes up as the screen says by then, never live
   * behind a "muted" button.
   */
  private async openMedia(type: CallType, choice: DeviceChoice): Promise<MediaStream> {
    const stream = await openLocalMedia(type, choice)
    const { micEnabled } = this.store.getState()
    for (const track of stream.getAudioTracks()) track.enabled = micEnabled
    return stream
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

  /**
   * The call's connections over its room link: a 1:1 call's one connection now (the caller's
   * `early` one if made, the callee's answers the held offer), a group call's as each person
   * appears in the room. `stream` null: the devices are still opening (PeerMesh.attachStream).
   */
  private openMesh(
    call: Call,
    stream: MediaStream | null,
    link: RoomLink,
    turnServers: RTCIceServer[],
    { rejoin = false, early }: { rejoin?: boolean; early?: EarlySession } = {},
  ): PeerMesh {
    const watch = this.watchReconnection(call)
    const selfId = this.store.getState().user?.id ?? ''
    const turnCredential = this.deps.turnCredential()
    const mesh: PeerMesh = new PeerMesh({
      selfId,
      link: link.transport,
      localStream: stream,
      group: () => this.store.getState().group,
      create: (remoteId, transport, stream) => {
        if (this.primaryId === null) this.primaryId = remoteId
        const session = startCallSession({
          store: this.store,
          call,
          stream,
          remoteId,
          polite: isPoliteTowards(call, selfId, remoteId),
          rejoin,
          transport,
          early: early?.remoteId === remoteId ? early : undefined,
          turnCredential,
          turnServers,
          primary: () => this.primaryId === remoteId,
          onConnectionState: (state) => {
            const overall = meshConnectionState(mesh)
            watch.update({ media: overall })
            if (state === 'connected') {
              this.ringer.stop()
              if (this.mesh === mesh) {
                this.attend(remoteId)
                // Their face's own detector session (a group call checks each face).
                this.detection.connect(remoteId, this.nameOf(remoteId))
              }
            }
            this.store.getState().setConnectionState(overall)
          },
          onPeerPresent: () => watch.update({ peerPresent: this.anyPeerPresent(mesh) }),
          // The other side shares a screen: no face to check until it stops.
          onRemoteMedia: (media: MediaState) =>
            this.detection.setRemoteScreen(remoteId, media.screen === true),
        })
        if (this.store.getState().group) session.setSendScale(GROUP_SEND_SCALE)
        return session
      },
    })
    this.mesh = mesh
    this.primaryId = null
    this.attended = []
    if (call.call_type === 'video') this.detection.begin(call.id)
    const other = isGroupCall(call) ? null : otherParty(call, selfId)
    if (other) {
      // 1:1: the one connection now, as always (the caller's offer waits for the callee).
      const session = mesh.connect(other.id)
      this.verification.begin(call.id, session.pc)
      this.recording.begin(session, nameOf(other))
      this.stats.start(session)
    }
    // Made for someone this call has no connection to (cannot happen for a 1:1 call's callee).
    if (early && mesh.get(early.remoteId) !== early.session) early.session.close()
    // The tracks, or transceivers for those to come, are on the connection now: the held offer
    // (callee) can be answered.
    link.transport.startReceiving()
    return mesh
  }

  /** A remote person, from the call's list (a 1:1 call: the other party); null if unknown. */
  private userOf(userId: string): User | null {
    const { call, peer } = this.store.getState()
    const listed = call?.participants?.find((p) => p.user_id === userId)?.user
    return listed ?? (peer?.id === userId ? peer : null)
  }

  private nameOf(userId: string): string {
    return nameOf(this.userOf(userId))
  }

  /** That person's connection came up: they took part (a reconnect does not list them twice). */
  private attend(userId: string): void {
    const user = this.userOf(userId)
    if (user && !this.attended.some((u) => u.id === userId)) this.attended.push(user)
  }

  /** Everyone in a call's list but this app's user, by name; undefined for none. */
  private groupNames(call: Call | null): string[] | undefined {
    const self = this.store.getState().user?.id
    const names = (call?.participants ?? [])
      .filter((p) => p.user_id !== self && p.user)
      .map((p) => nameOf(p.user))
    return names.length > 0 ? names : undefined
  }

  private anyPeerPresent(mesh: PeerMesh): boolean {
    const peers = this.store.getState().peers
    return mesh.size === 0 || mesh.entries().some(([id]) => peers[id]?.present === true)
  }

  /** The people in the call changed: the overall state and the reconnection watch follow. */
  private onMeshChanged(mesh: PeerMesh): void {
    const overall = meshConnectionState(mesh)
    this.watch?.update({ media: overall, peerPresent: this.anyPeerPresent(mesh) })
    this.store.getState().setConnectionState(overall)
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
    this.mesh?.close()
    this.mesh = null
    this.primaryId = null
    this.attended = []
    this.room?.close()
    this.room = null
    stopStream(this.store.getState().localStream)
  }

  /** Ends the local side of a call and shows either a summary or a notice. */
  private finish(call: Call | null, reason: CallSummary['reason']): void {
    const s = this.store.getState()
    if (s.phase === 'idle' || s.phase === 'ended') return
    const people = this.attended
    this.teardown()
    const outcome = callOutcome(s, call, reason, Date.now(), this.deps.t, people)
    if (outcome.notification) void this.deps.platform.notify(outcome.notification)
    // A group call nobody answered names everyone it rang, not only the first.
    const notice =
      outcome.notice && s.group && s.direction === 'outgoing'
        ? {
            ...outcome.notice,
            peerNames: this.groupNames(call ?? s.call) ?? outcome.notice.peerNames,
          }
        : outcome.notice
    this.store.getState().callFinished(outcome.summary, notice)
    this.deps.onCallFinished()
  }

  private fail(
    kind: 'media' | 'start' | 'accept' | 'busy' | 'busyGroup',
    err: unknown,
    people: User[] = [],
  ): void {
    const s = this.store.getState()
    const peer = s.peer
    const call = s.call
    const api = this.deps.api()
    const refused = kind === 'start' || kind === 'busy' || kind === 'busyGroup'
    if (call && api && !refused) {
      void api.endCall(call.id).catch(() => undefined)
    }
    this.teardown()
    // A group call refused as busy names everyone it was for: the server does not say who.
    const peerNames = kind === 'busyGroup' ? people.map(nameOf) : [nameOf(peer)]
    const noticeKind = kind === 'busy' || kind === 'busyGroup' ? kind : 'failed'
    s.callFinished(null, peer ? { kind: noticeKind, peerNames, at: Date.now() } : null)
    this.store.getState().setCallError(kind === 'media' ? 'media' : toAppError(err).message)
  }
}
