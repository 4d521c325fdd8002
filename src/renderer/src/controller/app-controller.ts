import Value from 'typebox/value'
import {
  CallEventData,
  ROUTES,
  type Call,
  type CallType,
  type ChallengeKind,
  type Envelope,
  type User,
} from 'veracall-signaling/protocol'
import type { CallAction, DeepLink, VeracallApi } from '../../../shared/ipc-contract.js'
import { desktopApi, type Platform } from '../platform/platform.js'
import type { AppStore } from '../store/index.js'
import { HISTORY_PAGE_SIZE } from '../store/slices/history.js'
import type { CallNotice, CallSummary, DeviceError } from '../store/slices/call.js'
import { otherParty, nameOf } from '../store/selectors.js'
import { ApiClient, ApiError, normaliseServerUrl } from '../signaling/api-client.js'
import { usernameProblem } from './username-rule.js'
import { WsClient, socketUrl, type SocketFactory } from '../signaling/ws-client.js'
import { CallSession } from '../call/call-session.js'
import { heldTransport, type HeldTransport } from '../call/held-transport.js'
import { buildIceServers } from '../call/ice-servers.js'
import { canChooseSpeaker, listDevices, openLocalMedia, openTrack } from '../call/media.js'
import { startRingback, startRingtone } from '../call/ringtone.js'
import { summariseStats, type StatsCounters } from '../call/stats.js'
import { loadPrefs, savePrefs, type Prefs } from './prefs.js'
import { askMainToRing, syncCallStateToMain } from './desktop-calls.js'
import { isSearchable } from './search-query.js'

export interface ControllerDeps {
  store: AppStore
  platform: Platform
  /** Plain-text strings for notifications (the UI itself renders through react-i18next). */
  t: (key: string, vars?: Record<string, string>) => string
  storage?: Storage | null
  createSocket?: SocketFactory
  /** Starts the incoming-call ringtone and returns its stop function (WebAudio by default). */
  ringtone?: () => () => void
}

const STATS_INTERVAL_MS = 2000

/** A call's room socket and the transport the session will use over it. */
interface RoomLink {
  room: WsClient
  transport: HeldTransport
}

/** What the caller is told when an outgoing call ends unanswered; any other reason is `failed`. */
const UNANSWERED_NOTICE: Partial<Record<CallSummary['reason'], CallNotice['kind']>> = {
  declined: 'declined',
  missed: 'unanswered',
  cancelled: 'cancelled',
}

/**
 * The app's actions, outside React (zustand "no store actions" practice): components call these;
 * this is where REST, sockets, media and the CallSession meet the store.
 */
export class AppController {
  private readonly store: AppStore
  private readonly platform: Platform
  private readonly storage: Storage | null
  private api: ApiClient | null = null
  private token: string | null = null
  private events: WsClient | null = null
  private room: WsClient | null = null
  private session: CallSession | null = null
  private stopRing: (() => void) | null = null
  private statsTimer: ReturnType<typeof setInterval> | null = null
  private statsCounters: StatsCounters | null = null
  private searchSeq = 0
  private prefs: Prefs
  private turnCredential = ''
  /** The desktop-only API, null in the web build (which then behaves as it always did). */
  private readonly desktop: VeracallApi | null
  /** A call link that arrived before sign-in, offered once signed in. */
  private pendingCallLink: string | null = null
  /** The element playing the remote side, whose audio output the speaker choice sets. */
  private remoteMedia: HTMLMediaElement | null = null

  constructor(private readonly deps: ControllerDeps) {
    this.store = deps.store
    this.platform = deps.platform
    this.storage = deps.storage === undefined ? safeLocalStorage() : deps.storage
    this.prefs = loadPrefs(this.storage)
    this.desktop = desktopApi(deps.platform)
  }

  /** The room socket of the current call (exposed for diagnostics and fault tests). */
  get roomSocket(): WsClient | null {
    return this.room
  }

  async init(): Promise<void> {
    // Subscribed first: main sends a pending deep link as soon as the window is shown.
    if (this.desktop) this.connectDesktop(this.desktop)
    const s = this.store.getState()
    s.setLanguage(this.prefs.language)
    s.setTheme(this.prefs.theme)
    s.setIce(this.prefs.stunUrls, null)
    let fallback = ''
    try {
      fallback = await this.platform.defaultServerUrl()
    } catch (err) {
      // The embedded server may have failed to start: the person can still type a URL.
      console.warn('no default server', err)
    }
    s.setServerUrl(this.prefs.serverUrl ?? fallback)
    s.setCanChooseSpeaker(canChooseSpeaker())
    void this.refreshDevices()
    navigator.mediaDevices?.addEventListener('devicechange', () => void this.refreshDevices())
    // Desktop: main may still hold a token from this run.
    const token = await this.platform.tokens.get()
    if (token) {
      this.token = token
      this.api = this.makeApi(this.store.getState().serverUrl)
      try {
        const user = await this.api.me()
        this.afterSignIn(user, this.api.baseUrl)
      } catch {
        await this.platform.tokens.set(null)
        this.token = null
      }
    }
  }

  get lastUsername(): string {
    return this.prefs.lastUsername
  }

  // ---- session -----------------------------------------------------------------------------

  async signIn(input: {
    mode: 'login' | 'register'
    serverUrl: string
    username: string
    password: string
    displayName?: string
  }): Promise<void> {
    const s = this.store.getState()
    s.authStarted()
    try {
      const problem = input.mode === 'register' ? usernameProblem(input.username) : null
      if (problem) throw new ApiError(problem, 'This username is not allowed')
      const base = normaliseServerUrl(input.serverUrl)
      const api = this.makeApi(base)
      await api.probe()
      const res =
        input.mode === 'register'
          ? await api.register({
              username: input.username,
              password: input.password,
              ...(input.displayName ? { display_name: input.displayName } : {}),
            })
          : await api.login(input.username, input.password)
      this.token = res.token
      await this.platform.tokens.set(res.token)
      this.api = api
      this.updatePrefs({ serverUrl: base, lastUsername: res.user.username })
      this.afterSignIn(res.user, base)
    } catch (err) {
      s.authFailed(toAppError(err))
    }
  }

  async signOut(): Promise<void> {
    await this.hangUp()
    this.events?.close()
    this.events = null
    this.token = null
    this.api = null
    await this.platform.tokens.set(null)
    this.store.getState().signedOut()
  }

  private afterSignIn(user: User, base: string): void {
    this.store.getState().signedIn(user, base)
    this.openEvents(base)
    void this.loadHistory(1)
    const link = this.pendingCallLink
    this.pendingCallLink = null
    if (link !== null) void this.offerCallTo(link)
  }

  private openEvents(base: string): void {
    this.events?.close()
    const events = new WsClient({
      url: socketUrl(base, ROUTES.eventsSocket),
      getToken: () => this.token,
      createSocket: this.deps.createSocket,
    })
    events.on('state', (state) => {
      this.store.getState().setEventsState(state)
      // A call that started ringing while this socket was down would otherwise be missed.
      if (state === 'open') void this.catchUpRinging()
    })
    events.on('message', (m) => void this.onEvent(m))
    events.on('fatal', (code) => {
      if (code === 4401) void this.signOut()
    })
    events.connect()
    this.events = events
  }

  private async catchUpRinging(): Promise<void> {
    const self = this.store.getState().user?.id
    if (!this.api || !self) return
    const calls = await this.api.activeCalls().catch(() => [])
    const ringing = calls.find((c) => c.status === 'waiting' && c.callee_id === self)
    if (ringing && this.store.getState().phase === 'idle') {
      await this.onEvent({
        type: 'incoming_call',
        call_id: ringing.room_id,
        data: { call: ringing },
        timestamp: Date.now(),
      })
    }
  }

  // ---- contacts and history ----------------------------------------------------------------

  async search(query: string): Promise<void> {
    const s = this.store.getState()
    s.setQuery(query)
    if (!this.api) return
    const seq = ++this.searchSeq
    s.searchStarted()
    // Too short to search (the server would refuse it): no request, nobody listed.
    if (!isSearchable(query)) return s.searchDone(query, [])
    try {
      const users = await this.api.searchUsers(query.trim())
      if (seq !== this.searchSeq) return
      const self = s.user?.id
      this.store.getState().searchDone(
        query,
        users.filter((u) => u.id !== self),
      )
    } catch (err) {
      this.store.getState().searchFailed(toAppError(err))
    }
  }

  async loadHistory(page: number): Promise<void> {
    if (!this.api) return
    const s = this.store.getState()
    s.historyStarted(page)
    try {
      const res = await this.api.history(page, HISTORY_PAGE_SIZE)
      this.store.getState().historyLoaded(res.page, res.calls, res.total, res.stats)
    } catch (err) {
      this.store.getState().historyFailed(toAppError(err))
    }
  }

  // ---- calls -------------------------------------------------------------------------------

  async startCall(peer: User, callType: CallType): Promise<void> {
    const s = this.store.getState()
    if (!this.api || !s.user || (s.phase !== 'idle' && s.phase !== 'ended')) return
    s.callOutgoing(peer, callType)
    let stream: MediaStream
    try {
      stream = await openLocalMedia(callType, s)
    } catch (err) {
      if (this.store.getState().phase === 'outgoing') this.fail('media', err)
      return
    }
    // Cancelled while the devices opened: the callee must not ring.
    if (this.store.getState().phase !== 'outgoing') {
      stopStream(stream)
      return
    }
    this.store.getState().setLocalStream(stream)
    void this.refreshDevices()
    let call: Call
    try {
      call = await this.api.startCall(peer.id, callType)
    } catch (err) {
      stopStream(stream)
      this.fail(err instanceof ApiError && err.code === 'busy' ? 'busy' : 'start', err)
      return
    }
    // Cancelled while the request was in flight.
    if (this.store.getState().phase !== 'outgoing') {
      stopStream(stream)
      void this.api.endCall(call.id).catch(() => undefined)
      return
    }
    this.store.getState().callCreated(call)
    const link = this.connectRoom(call)
    this.startSession(call, stream, false, link)
    link.transport.startSending()
    this.stopRinging()
    this.stopRing = startRingback()
  }

  async accept(): Promise<void> {
    const s = this.store.getState()
    const call = s.call
    // The phase stays `incoming` while devices open: a second Accept (double click, Enter, the
    // desktop notification) must not send a second accept, which the server refuses with 409.
    if (!this.api || !call || s.phase !== 'incoming' || s.accepting) return
    s.setAccepting(true)
    this.stopRinging()
    // The room socket (connect, authenticate, join) opens while the camera and the accept request
    // run, not after them: the caller's offer and candidates, held until we join, are waiting
    // when the session starts. The server lets either party join a call that is still ringing.
    const link = this.connectRoom(call)
    let stream: MediaStream
    try {
      stream = await openLocalMedia(call.call_type, s)
    } catch (err) {
      this.closeRoom(link)
      if (!this.stillRinging(call)) return
      void this.api.declineCall(call.id).catch(() => undefined)
      this.fail('media', err)
      return
    }
    // Declined, missed or cancelled while the devices opened.
    if (!this.stillRinging(call)) {
      stopStream(stream)
      this.closeRoom(link)
      return
    }
    this.store.getState().setLocalStream(stream)
    void this.refreshDevices()
    // The session answers the waiting offer while the accept request is in flight; what it
    // sends is held until the server has said yes.
    const session = this.startSession(call, stream, true, link)
    try {
      const accepted = await this.api.acceptCall(call.id)
      // Declined, cancelled or missed while the request was in flight.
      if (!this.stillRinging(call)) {
        if (this.session === session) this.teardown()
        return
      }
      this.store.getState().callAccepted(accepted)
      // A state reached while the phase was still `incoming` takes effect now (connected → active).
      this.store.getState().setConnectionState(session.pc.connectionState)
      link.transport.startSending()
    } catch (err) {
      if (!this.stillRinging(call)) {
        if (this.session === session) this.teardown()
        return
      }
      this.fail('accept', err)
    }
  }

  private stillRinging(call: Call): boolean {
    const { phase, call: current } = this.store.getState()
    return phase === 'incoming' && current?.id === call.id
  }

  async decline(): Promise<void> {
    const { call, phase } = this.store.getState()
    if (!this.api || !call || phase !== 'incoming') return
    this.stopRinging()
    this.store.getState().callFinished(null, null)
    await this.api.declineCall(call.id).catch(() => undefined)
    void this.loadHistory(1)
  }

  /** Cancels a ringing outgoing call or ends an answered one. */
  async hangUp(): Promise<void> {
    const { call, phase } = this.store.getState()
    if (phase === 'idle' || phase === 'ended') return
    if (phase === 'incoming') return this.decline()
    let ended: Call | null = null
    if (this.api && call) ended = await this.api.endCall(call.id).catch(() => null)
    this.finish(ended ?? call, phase === 'outgoing' ? 'cancelled' : 'completed')
  }

  /** Verify: asks the other person's app to prompt a liveness move; false outside a call. */
  sendChallenge(kind: ChallengeKind): boolean {
    if (!this.session) return false
    this.session.sendChallenge(kind)
    return true
  }

  dismissChallenge(): void {
    this.store.getState().setChallenge(null)
  }

  toggleMicrophone(): void {
    const { micEnabled, localStream } = this.store.getState()
    const next = !micEnabled
    if (this.session) this.session.setMicrophoneEnabled(next)
    else localStream?.getAudioTracks().forEach((t) => (t.enabled = next))
    this.store.getState().setMicEnabled(next)
  }

  async toggleCamera(): Promise<void> {
    const s = this.store.getState()
    const session = this.session
    if (s.callType !== 'video' || !session) return
    if (s.cameraEnabled) {
      await session.replaceTrack('video', null)
      s.setCameraEnabled(false)
    } else {
      try {
        const track = await this.openTrackFor(session, 'video', s.cameraId)
        if (!track) return
        await session.replaceTrack('video', track)
        s.setCameraEnabled(true)
      } catch (err) {
        s.setDeviceError(deviceError('cameraOn', err))
        return
      }
    }
    this.showLocalTracks(session)
  }

  /**
   * Switches camera or microphone mid-call with replaceTrack (no renegotiation), or the speaker
   * with setSinkId. The choice is kept only once the switch worked, so the picker never shows a
   * device that is not the one in use.
   */
  async switchDevice(kind: 'camera' | 'microphone' | 'speaker', deviceId: string): Promise<void> {
    const s = this.store.getState()
    const session = this.session
    if (kind === 'speaker') {
      const el = this.remoteMedia
      if (session && el && 'setSinkId' in el) {
        try {
          await el.setSinkId(deviceId)
        } catch (err) {
          s.setDeviceError(deviceError('speaker', err))
          return
        }
      }
      s.selectDevice(kind, deviceId)
      s.setDeviceError(null)
      return
    }
    // No call, or the camera is off: the choice applies when the device next opens.
    if (!session || (kind === 'camera' && !s.cameraEnabled)) {
      s.selectDevice(kind, deviceId)
      return
    }
    const trackKind = kind === 'camera' ? 'video' : 'audio'
    let track: MediaStreamTrack | null = null
    try {
      track = await this.openTrackFor(session, trackKind, deviceId)
      if (!track) return
      await session.replaceTrack(trackKind, track)
    } catch (err) {
      track?.stop()
      s.setDeviceError(deviceError(kind, err))
      return
    }
    s.selectDevice(kind, deviceId)
    s.setDeviceError(null)
    this.showLocalTracks(session)
  }

  /** The call screen's remote <video>, or null once it is gone. */
  setRemoteMediaElement(el: HTMLMediaElement | null): void {
    this.remoteMedia = el
  }

  dismissDeviceError(): void {
    this.store.getState().setDeviceError(null)
  }

  /**
   * Opens a device for `session`. Opening takes a while (permission, hardware): if the call ended
   * meanwhile, the new track is stopped (camera/mic light off) and null is returned.
   */
  private async openTrackFor(
    session: CallSession,
    kind: 'audio' | 'video',
    deviceId: string | null,
  ): Promise<MediaStreamTrack | null> {
    const track = await openTrack(kind, deviceId)
    if (this.session === session && !session.isClosed) return track
    track.stop()
    return null
  }

  /** A new MediaStream object, so the local preview re-binds after a track swap. */
  private showLocalTracks(session: CallSession): void {
    if (this.session !== session) return
    this.store.getState().setLocalStream(new MediaStream(session.localStream.getTracks()))
  }

  dismissSummary(): void {
    this.store.getState().dismissSummary()
  }

  dismissNotice(): void {
    this.store.getState().dismissNotice()
    this.store.getState().setCallError(null)
  }

  // ---- settings ----------------------------------------------------------------------------

  setLanguage(language: Prefs['language']): void {
    this.store.getState().setLanguage(language)
    this.updatePrefs({ language })
  }

  setTheme(theme: Prefs['theme']): void {
    this.store.getState().setTheme(theme)
    this.updatePrefs({ theme })
  }

  /** STUN list (null = defaults) and TURN; the TURN credential stays in memory only. */
  setIce(
    stunUrls: string[] | null,
    turn: { urls: string[]; username: string; credential: string } | null,
  ): void {
    this.turnCredential = turn?.credential ?? ''
    this.store.getState().setIce(stunUrls, turn)
    this.updatePrefs({ stunUrls, turnUrls: turn?.urls ?? [], turnUsername: turn?.username ?? '' })
  }

  get turnSettings(): { urls: string[]; username: string; hasCredential: boolean } {
    return {
      urls: this.prefs.turnUrls,
      username: this.prefs.turnUsername,
      hasCredential: this.turnCredential.length > 0,
    }
  }

  // ---- desktop integration -----------------------------------------------------------------

  /** Accept/Decline pressed on main's notification: applied only to the call still ringing. */
  async onCallAction(action: CallAction): Promise<void> {
    const { call, phase } = this.store.getState()
    if (phase !== 'incoming' || call?.id !== action.callId) return
    if (action.action === 'accept') await this.accept()
    else if (action.action === 'decline') await this.decline()
  }

  /** A `veracall://` link: turned into a question for the person, never acted on directly. */
  async onDeepLink(link: DeepLink): Promise<void> {
    if (link.kind === 'server') {
      let url: string
      try {
        url = normaliseServerUrl(link.url)
      } catch {
        return
      }
      this.store.getState().setLinkPrompt({ kind: 'server', url })
      return
    }
    if (this.store.getState().authStatus !== 'signed_in') {
      this.pendingCallLink = link.username
      return
    }
    await this.offerCallTo(link.username)
  }

  /** The person confirmed a server link: sign out of the current server and show the new one. */
  async switchServer(url: string): Promise<void> {
    this.store.getState().setLinkPrompt(null)
    if (this.store.getState().authStatus === 'signed_in') await this.signOut()
    this.store.getState().setServerUrl(url)
    this.updatePrefs({ serverUrl: url })
  }

  dismissLinkPrompt(): void {
    this.store.getState().setLinkPrompt(null)
  }

  private async offerCallTo(username: string): Promise<void> {
    if (!this.api) return
    let users: User[]
    try {
      users = await this.api.searchUsers(username)
    } catch {
      users = []
    }
    const wanted = username.toLowerCase()
    const user = users.find((u) => u.username.toLowerCase() === wanted)
    const self = this.store.getState().user?.id
    this.store
      .getState()
      .setLinkPrompt(
        user && user.id !== self ? { kind: 'call', user } : { kind: 'userNotFound', username },
      )
  }

  private connectDesktop(api: VeracallApi): void {
    syncCallStateToMain(this.store, api)
    api.onCallAction((action) => void this.onCallAction(action))
    api.onDeepLink((link) => void this.onDeepLink(link))
  }

  private ring(): () => void {
    return (this.deps.ringtone ?? startRingtone)()
  }

  // ---- internals ---------------------------------------------------------------------------

  private makeApi(base: string): ApiClient {
    return new ApiClient({ baseUrl: base, getToken: () => this.token })
  }

  private updatePrefs(patch: Partial<Prefs>): void {
    this.prefs = { ...this.prefs, ...patch }
    savePrefs(this.storage, this.prefs)
  }

  private async refreshDevices(): Promise<void> {
    if (!navigator.mediaDevices?.enumerateDevices) return
    try {
      const lists = await listDevices()
      const plain = (d: MediaDeviceInfo): { deviceId: string; label: string } => ({
        deviceId: d.deviceId,
        label: d.label,
      })
      this.store.getState().setDevices({
        cameras: lists.cameras.map(plain),
        microphones: lists.microphones.map(plain),
        speakers: lists.speakers.map(plain),
      })
    } catch {
      // No device access yet: the pickers stay empty until the first call.
    }
  }

  private async onEvent(message: Envelope): Promise<void> {
    if (!Value.Check(CallEventData, message.data)) return
    const call = message.data.call
    const s = this.store.getState()
    const self = s.user?.id
    if (!self) return
    const current = s.call
    switch (message.type) {
      case 'incoming_call': {
        if (call.callee_id !== self) return
        // The same call again (socket catch-up): it is already ringing.
        if (s.phase === 'incoming' && current?.id === call.id) return
        if (s.phase !== 'idle' && s.phase !== 'ended') {
          // Already in a call: say no rather than ring over it.
          await this.api?.declineCall(call.id).catch(() => undefined)
          return
        }
        const caller = call.caller ?? otherParty(call, self)
        if (!caller) return
        s.callIncoming(call, caller)
        this.stopRinging()
        if (this.desktop) {
          // Main notifies (with Accept/Decline), applies do-not-disturb, and says whether to ring.
          const decision = await askMainToRing(this.desktop, {
            callId: call.id,
            callerName: nameOf(caller).slice(0, 64) || caller.username,
            callType: call.call_type,
          })
          const still = this.store.getState()
          if (decision.ring && still.phase === 'incoming' && still.call?.id === call.id) {
            this.stopRinging()
            this.stopRing = this.ring()
          }
          return
        }
        this.stopRing = this.ring()
        void this.platform.notify({
          title: this.deps.t('notify.incomingTitle'),
          body: this.deps.t(
            call.call_type === 'video' ? 'notify.incomingVideo' : 'notify.incomingAudio',
            { name: nameOf(caller) },
          ),
          tag: `call-${call.id}`,
        })
        return
      }
      case 'call_accepted':
        if (current?.id === call.id) this.stopRinging()
        if (current?.id === call.id && s.phase === 'outgoing') s.callAccepted(call)
        return
      case 'call_declined':
        if (current?.id === call.id) this.finish(call, 'declined')
        return
      case 'call_ended':
        if (current?.id === call.id) this.finish(call, call.end_reason ?? 'completed')
        return
      default:
        return
    }
  }

  /**
   * Opens the call's room socket. What arrives before the session exists is held for it (see
   * heldTransport); the socket becomes `this.room`, so a call ending meanwhile closes it.
   */
  private connectRoom(call: Call): RoomLink {
    const s = this.store.getState()
    const self = s.user?.id ?? ''
    const room = new WsClient({
      url: socketUrl(s.serverUrl, ROUTES.callSocket(call.room_id)),
      getToken: () => this.token,
      createSocket: this.deps.createSocket,
      greeting: () => ({
        type: 'join',
        call_id: call.room_id,
        user_id: self,
        data: {},
        timestamp: Date.now(),
      }),
    })
    const transport = heldTransport(room, (type, data) =>
      room.send({ type, call_id: call.room_id, user_id: self, data, timestamp: Date.now() }),
    )
    room.on('state', (state) => this.store.getState().setSignalingState(state))
    room.on('fatal', (code) => {
      // 4410: the call is over on the server; the events socket normally says so first.
      if (code === 4410 && this.store.getState().call?.id === call.id)
        this.finish(call, 'completed')
    })
    this.room?.close()
    this.room = room
    room.connect()
    return { room, transport }
  }

  /** Closes a room socket opened for a call that did not start. */
  private closeRoom(link: RoomLink): void {
    link.room.close()
    if (this.room === link.room) this.room = null
  }

  private startSession(
    call: Call,
    stream: MediaStream,
    polite: boolean,
    link: RoomLink,
  ): CallSession {
    const s = this.store.getState()
    const session = new CallSession({
      selfId: s.user?.id ?? '',
      polite,
      iceServers: buildIceServers({
        stunUrls: s.stunUrls,
        turn: s.turn ? { ...s.turn, credential: this.turnCredential } : null,
      }),
      transport: link.transport,
      localStream: stream,
      log: (m) => console.debug(`[call ${call.id}] ${m}`),
    })
    session.on('remoteStream', (remote) => this.store.getState().setRemoteStream(remote))
    session.on('connectionState', (state) => {
      if (state === 'connected') this.stopRinging()
      this.store.getState().setConnectionState(state)
    })
    session.on('remoteMedia', (media) => this.store.getState().setRemoteMedia(media))
    session.on('challenge', (c) =>
      this.store.getState().setChallenge({ ...c, receivedAt: Date.now() }),
    )
    session.on('error', (e) => console.warn(`[call ${call.id}] ${e.code}: ${e.message}`))
    this.session = session
    session.start()
    // The tracks are on the connection now: the held offer (callee) can be answered with them.
    link.transport.startReceiving()
    this.startStats()
    return session
  }

  private startStats(): void {
    this.stopStats()
    this.statsTimer = setInterval(() => void this.sampleStats(), STATS_INTERVAL_MS)
  }

  private async sampleStats(): Promise<void> {
    const session = this.session
    if (!session) return
    try {
      const report = await session.getStats()
      const { sample, counters } = summariseStats(report.values(), this.statsCounters, Date.now())
      this.statsCounters = counters
      if (this.session === session) this.store.getState().setQuality(sample)
    } catch {
      // The connection closed between two samples.
    }
  }

  private stopStats(): void {
    if (this.statsTimer) clearInterval(this.statsTimer)
    this.statsTimer = null
    this.statsCounters = null
  }

  private stopRinging(): void {
    this.stopRing?.()
    this.stopRing = null
  }

  private teardown(): void {
    this.stopRinging()
    this.stopStats()
    this.session?.close()
    this.session = null
    this.room?.close()
    this.room = null
    stopStream(this.store.getState().localStream)
  }

  /** Ends the local side of a call and shows either a summary or a notice. */
  private finish(call: Call | null, reason: CallSummary['reason']): void {
    const s = this.store.getState()
    if (s.phase === 'idle' || s.phase === 'ended') return
    const peer = s.peer
    const wasIncoming = s.phase === 'incoming'
    const answered = s.connectedAt !== null || s.phase === 'active' || s.phase === 'connecting'
    this.teardown()
    let summary: CallSummary | null = null
    let notice: CallNotice | null = null
    if (answered && peer && call) {
      const local = s.connectedAt ? Math.round((Date.now() - s.connectedAt) / 1000) : 0
      summary = {
        callId: call.id,
        peer,
        callType: s.callType,
        direction: s.direction,
        reason,
        durationS: call.duration_s ?? local,
        quality: s.quality,
      }
    } else if (peer) {
      // A call the caller cancelled reads "cancelled" on both sides, as in history; not "missed".
      const cancelled = wasIncoming && reason === 'cancelled'
      const kind: CallNotice['kind'] = wasIncoming
        ? cancelled
          ? 'cancelledByCaller'
          : 'missed'
        : (UNANSWERED_NOTICE[reason] ?? 'failed')
      notice = { kind, peerName: nameOf(peer), at: Date.now() }
      if (wasIncoming) {
        void this.platform.notify({
          title: this.deps.t(cancelled ? 'notify.cancelledTitle' : 'notify.missedTitle'),
          body: this.deps.t(cancelled ? 'notify.cancelledBody' : 'notify.missedBody', {
            name: nameOf(peer),
          }),
          tag: `call-${call?.id ?? 0}`,
        })
      }
    }
    this.store.getState().callFinished(summary, notice)
    void this.loadHistory(1)
  }

  private fail(kind: 'media' | 'start' | 'accept' | 'busy', err: unknown): void {
    const s = this.store.getState()
    const peer = s.peer
    const call = s.call
    if (call && this.api && kind !== 'start' && kind !== 'busy') {
      void this.api.endCall(call.id).catch(() => undefined)
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

/** getUserMedia and setSinkId failures, by DOMException name. */
function deviceError(action: DeviceError['action'], err: unknown): DeviceError {
  const name = typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : ''
  const reason: DeviceError['reason'] =
    name === 'NotAllowedError' || name === 'SecurityError'
      ? 'denied'
      : name === 'NotReadableError' || name === 'AbortError'
        ? 'busy'
        : name === 'NotFoundError' || name === 'OverconstrainedError'
          ? 'missing'
          : 'other'
  return { action, reason }
}

function stopStream(stream: MediaStream | null): void {
  stream?.getTracks().forEach((t) => t.stop())
}

function safeLocalStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null
  }
}

export function toAppError(err: unknown): { code: string; message: string } {
  if (err instanceof ApiError) return { code: err.code, message: err.message }
  if (err instanceof Error) return { code: err.name, message: err.message }
  return { code: 'unknown', message: String(err) }
}
