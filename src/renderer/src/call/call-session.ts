import type {
  ChallengeKind,
  ClientDataOf,
  Envelope,
  RecordingState,
} from 'veracall-signaling/protocol'
import Value from 'typebox/value'
import { CHALLENGE_DURATION_MS, ClientData, PeerData } from 'veracall-signaling/protocol'
import { Negotiator, type NegotiationError } from './negotiation.js'
import { fingerprintOf, selectedPairProgress } from './peer-liveness.js'
import { FULL_RESOLUTION_AFTER_MS, START_SCALE, scaleSender, startsScaled } from './first-frame.js'

export type RelayType =
  'offer' | 'answer' | 'ice_candidate' | 'media_state' | 'challenge' | 'recording'

/**
 * The call room: send relayed messages (to one member with `to`, which PeerMesh adds in a group
 * call; else to every other member), receive everything. A CallSession gets PeerMesh's slice of
 * it for its one remote member, so it never addresses or filters itself.
 */
export interface RoomTransport {
  send<T extends RelayType>(type: T, data: ClientDataOf<T>, to?: string): void
  onMessage(listener: (message: Envelope) => void): () => void
}

export interface MediaState {
  audio: boolean
  video: boolean
  /** The video track is a shared screen, not a face. Present only while true (see ws.ts). */
  screen?: true
}

export interface CallSessionEvents {
  remoteStream: MediaStream
  connectionState: RTCPeerConnectionState
  remoteMedia: MediaState
  peerPresent: boolean
  iceRestart: number
  /** The other person's app came back with a new connection and ours was rebuilt for it. */
  peerReset: number
  /** The other person's app asks for a liveness move (Verify). */
  challenge: ClientDataOf<'challenge'>
  /** The other person started or stopped recording the call on their device. */
  remoteRecording: RecordingState
  error: { code: string; message: string }
}

export interface CallSessionOptions {
  selfId: string
  /**
   * The callee is polite: it yields when both sides offer at once. It also answers the caller's
   * first offer rather than making its own (see NegotiatorOptions.awaitFirstOffer).
   */
  polite: boolean
  /**
   * This app rejoins a call in progress with a fresh connection (after a reload): it offers
   * first and answers no offer until its own is answered (see awaitFirstAnswer).
   */
  rejoin?: boolean
  iceServers: RTCIceServer[]
  transport: RoomTransport
  /** What this end sends; with `pendingMedia`, an empty stream until `attachStream`. */
  localStream: MediaStream
  /**
   * The kinds this end will send once its devices open, for a session started before they do
   * (see attachStream): negotiation needs no tracks, only a send-receive transceiver per kind.
   */
  pendingMedia?: readonly MediaKind[]
  createPeerConnection?: (config: RTCConfiguration) => RTCPeerConnection
  createMediaStream?: (tracks: MediaStreamTrack[]) => MediaStream
  /** How long `disconnected` may last before an ICE restart. */
  disconnectedRestartMs?: number
  /** How long after connecting a camera that started at reduced resolution returns to full. */
  fullResolutionAfterMs?: number
  log?: (message: string) => void
}

type Listener<T> = (value: T) => void
type MediaKind = 'audio' | 'video'

/**
 * One call's WebRTC side, free of any framework: owns the RTCPeerConnection, runs perfect
 * negotiation over the room transport, holds outgoing messages until the peer is in the room,
 * restarts ICE when the path fails, and stops every track on close.
 */
export class CallSession {
  private current: RTCPeerConnection
  private negotiator: Negotiator
  private readonly listeners = new Map<keyof CallSessionEvents, Set<Listener<never>>>()
  private readonly outbox: { type: RelayType; data: unknown }[] = []
  private unsubscribe: () => void
  private disconnectTimer: ReturnType<typeof setTimeout> | null = null
  /** Senders that started at reduced resolution (first-frame.ts), until full resolution returns. */
  private scaled: RTCRtpSender[] = []
  private fullResolutionTimer: ReturnType<typeof setTimeout> | null = null
  /** The camera's downscale once its first frames are out: 1, or GROUP_SEND_SCALE in a group. */
  private sendScale = 1
  private remote: MediaStream | null = null
  private peerPresent = false
  private closed = false
  private media: MediaState
  private recording: RecordingState = 'stopped'
  private stream: MediaStream
  /** The kinds still to come from the devices (pendingMedia), until attachStream puts them on. */
  private pending: readonly MediaKind[] | null
  /** The current connection answers the first offer rather than making one (the callee). */
  private answersFirst = false
  iceRestarts = 0
  peerResets = 0

  constructor(private readonly options: CallSessionOptions) {
    this.stream = options.localStream
    this.pending = options.pendingMedia?.length ? options.pendingMedia : null
    this.media = this.pending
      ? { audio: this.pending.includes('audio'), video: this.pending.includes('video') }
      : mediaOf(this.stream)
    const rejoin = options.rejoin ?? false
    ;[this.current, this.negotiator] = this.connect(!rejoin && options.polite, rejoin)
    this.unsubscribe = options.transport.onMessage((m) => this.onMessage(m))
  }

  /** The current peer connection (replaced when the other app rejoins with a new one). */
  get pc(): RTCPeerConnection {
    return this.current
  }

  private connect(
    awaitFirstOffer: boolean,
    awaitFirstAnswer: boolean,
  ): [RTCPeerConnection, Negotiator] {
    const options = this.options
    const create =
      options.createPeerConnection ?? ((config: RTCConfiguration) => new RTCPeerConnection(config))
    const pc = create({ iceServers: options.iceServers, bundlePolicy: 'max-bundle' })
    this.answersFirst = awaitFirstOffer
    const negotiator = new Negotiator(pc, {
      polite: options.polite,
      awaitFirstOffer,
      awaitFirstAnswer,
      log: options.log,
      beforeAnswer: () => this.prepareAnswer(pc),
      onError: (error: NegotiationError) =>
        this.emit('error', { code: error.code, message: error.message }),
      signals: {
        sendDescription: (d) => this.relay(d.type, { type: d.type, sdp: d.sdp }),
        sendCandidate: (c) =>
          this.relay('ice_candidate', {
            candidate: c.candidate ?? '',
            sdpMid: c.sdpMid ?? null,
            sdpMLineIndex: c.sdpMLineIndex ?? null,
            usernameFragment: c.usernameFragment ?? null,
          }),
      },
    })
    pc.addEventListener('track', this.onTrack)
    pc.addEventListener('connectionstatechange', this.onConnectionState)
    return [pc, negotiator]
  }

  /** Detaches and closes the current connection without stopping the local tracks. */
  private disconnect(): void {
    if (this.disconnectTimer) clearTimeout(this.disconnectTimer)
    this.disconnectTimer = null
    if (this.fullResolutionTimer) clearTimeout(this.fullResolutionTimer)
    this.fullResolutionTimer = null
    this.scaled = []
    this.negotiator.close()
    this.current.removeEventListener('track', this.onTrack)
    this.current.removeEventListener('connectionstatechange', this.onConnectionState)
    this.current.close()
  }

  /**
   * The other person's app restarted (an offer with a new DTLS certificate): the old connection
   * cannot take it, so a fresh one answers it, with the same local tracks.
   */
  private resetPeer(offer: { type: 'offer'; sdp: string }): void {
    this.disconnect()
    this.remote = null
    this.peerResets += 1
    this.options.log?.(`the peer's app rejoined with a new connection (#${this.peerResets})`)
    ;[this.current, this.negotiator] = this.connect(true, false)
    this.emit('peerReset', this.peerResets)
    this.start()
    void this.negotiator.receive({ description: offer })
  }

  /**
   * Adds the local tracks, which starts negotiation. A camera starts at reduced resolution, so its
   * first frame is sent sooner (first-frame.ts); full resolution returns after connecting.
   */
  start(): void {
    if (this.pending) {
      // The devices are still opening. The caller offers a send-receive transceiver per kind
      // now (its offer and candidates are ready before anyone answers); the callee gives the
      // offer's transceivers that direction before answering (prepareAnswer).
      if (this.answersFirst) return
      for (const kind of this.pending) {
        this.pc.addTransceiver(kind, { direction: 'sendrecv', streams: [this.stream] })
      }
      return
    }
    for (const track of this.stream.getTracks()) this.addLocalTrack(track)
  }

  /**
   * The devices opened (`pendingMedia`): their tracks go onto the transceivers negotiated for
   * them with `replaceTrack` (no renegotiation), or, on a callee whose offer has not come yet,
   * are added as `start` would have. Never in the middle of applying a remote description.
   */
  attachStream(stream: MediaStream): Promise<void> {
    if (this.closed) {
      for (const track of stream.getTracks()) track.stop()
      return Promise.resolve()
    }
    this.stream = stream
    const before = this.media
    this.media = mediaOf(stream)
    if (before.audio !== this.media.audio || before.video !== this.media.video) {
      this.relay('media_state', this.media)
    }
    return this.negotiator.whenIdle(async () => {
      this.pending = null
      if (this.closed) return
      for (const track of stream.getTracks()) {
        const transceiver = this.pc
          .getTransceivers()
          .find(
            (t) =>
              !t.sender.track &&
              t.receiver.track.kind === track.kind &&
              (t.direction === 'sendrecv' || t.direction === 'sendonly'),
          )
        if (!transceiver) {
          this.addLocalTrack(track)
          continue
        }
        await transceiver.sender.replaceTrack(track)
        this.scaleAtStart(transceiver.sender, track)
      }
    })
  }

  private addLocalTrack(track: MediaStreamTrack): void {
    this.scaleAtStart(this.pc.addTrack(track, this.stream), track)
  }

  private scaleAtStart(sender: RTCRtpSender, track: MediaStreamTrack): void {
    if (!startsScaled(track)) return
    this.scaled.push(sender)
    void scaleSender(sender, Math.max(START_SCALE, this.sendScale))
  }

  /**
   * Sends a large camera at `scale` from now on (see first-frame.ts): a camera still at its start
   * scale goes to `scale` where it would have returned to full resolution.
   */
  setSendScale(scale: number): void {
    if (scale === this.sendScale) return
    this.sendScale = scale
    if (this.scaled.length > 0) return
    for (const sender of this.pc.getSenders()) {
      if (sender.track?.kind === 'video') void scaleSender(sender, this.scaleFor(sender.track))
    }
  }

  /** The downscale for `track` once past its start: the send scale for a large camera only. */
  private scaleFor(track: MediaStreamTrack): number {
    return startsScaled(track) ? this.sendScale : 1
  }

  /** A callee whose devices are still opening answers send-receive for the kinds to come. */
  private prepareAnswer(pc: RTCPeerConnection): void {
    const pending = this.pending
    if (!pending) return
    for (const t of pc.getTransceivers()) {
      if (t.sender.track || !pending.includes(t.receiver.track.kind as MediaKind)) continue
      if (t.direction === 'recvonly') t.direction = 'sendrecv'
      // One stream for both kinds: the other side plays them in sync.
      t.sender.setStreams?.(this.stream)
    }
  }

  on<K extends keyof CallSessionEvents>(
    event: K,
    listener: Listener<CallSessionEvents[K]>,
  ): () => void {
    let set = this.listeners.get(event)
    if (!set) {
      set = new Set()
      this.listeners.set(event, set)
    }
    set.add(listener as Listener<never>)
    return () => set.delete(listener as Listener<never>)
  }

  get localStream(): MediaStream {
    return this.stream
  }
  get remoteStream(): MediaStream | null {
    return this.remote
  }
  get mediaState(): MediaState {
    return { ...this.media }
  }

  /** Mutes or unmutes the microphone without renegotiation, and tells the other side. */
  setMicrophoneEnabled(enabled: boolean): void {
    for (const track of this.stream.getAudioTracks()) track.enabled = enabled
    this.media = { ...this.media, audio: enabled }
    this.relay('media_state', this.media)
  }

  /**
   * Swaps the outgoing track of one kind (device switch, camera off with `null`) with
   * `replaceTrack`, so no renegotiation happens; the old track is stopped (camera light off).
   */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    const transceiver = this.pc
      .getTransceivers()
      .find((t) => (t.sender.track?.kind ?? t.receiver.track.kind) === kind)
    const sender = transceiver?.sender
    const stream = this.stream
    const old = kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks()
    if (sender) await sender.replaceTrack(track)
    // The sender keeps its downscale: a group's applies to a large camera only.
    if (sender && track?.kind === 'video' && this.scaled.length === 0 && this.sendScale !== 1) {
      void scaleSender(sender, this.scaleFor(track))
    }
    // A connection rebuilt while the camera was off answered with this kind receive-only: sending
    // again needs the direction back (one renegotiation, through perfect negotiation).
    if (track && transceiver && transceiver.direction === 'recvonly') {
      transceiver.direction = 'sendrecv'
    }
    for (const t of old) {
      if (t === track) continue
      stream.removeTrack(t)
      t.stop()
    }
    if (track) {
      if (kind === 'audio') track.enabled = this.media.audio
      stream.addTrack(track)
    }
    if (kind === 'video') {
      this.media = { ...this.media, video: track !== null }
      this.relay('media_state', this.media)
    }
  }

  /**
   * Tells the other side that the video track is (or is no longer) a shared screen. The screen
   * share announces before it swaps the screen in and after it swaps the camera back, so the
   * other side's face check is paused before the first screen frame and resumes on the camera.
   */
  setScreenSharing(sharing: boolean): void {
    const { audio, video } = this.media
    this.media = sharing ? { audio, video, screen: true } : { audio, video }
    this.relay('media_state', this.media)
  }

  /** Asks the other side to do a liveness move (Verify); returns the challenge id. */
  sendChallenge(kind: ChallengeKind): string {
    const id = Math.random().toString(36).slice(2, 12)
    this.relay('challenge', { id, kind, duration_ms: CHALLENGE_DURATION_MS })
    return id
  }

  /** Tells the other side this end started or stopped recording (they show a banner). */
  sendRecording(state: RecordingState): void {
    this.recording = state
    this.relay('recording', { state })
  }

  getStats(): Promise<RTCStatsReport> {
    return this.pc.getStats()
  }

  /**
   * Stops every local track and closes the connection. Idempotent. `keepLocalTracks`: a group
   * call's other connections still send the same tracks (one person left, the call goes on).
   */
  close(options: { keepLocalTracks?: boolean } = {}): void {
    if (this.closed) return
    this.closed = true
    this.unsubscribe()
    if (!options.keepLocalTracks) {
      for (const track of this.stream.getTracks()) track.stop()
      for (const sender of this.pc.getSenders()) sender.track?.stop()
    }
    this.disconnect()
    this.outbox.length = 0
  }

  get isClosed(): boolean {
    return this.closed
  }

  private relay(type: RelayType, data: unknown): void {
    if (this.closed) return
    if (!this.peerPresent) {
      // The server relays only to who is in the room: hold until the peer arrives.
      this.outbox.push({ type, data })
      return
    }
    this.send(type, data)
  }

  private send(type: RelayType, data: unknown): void {
    this.options.transport.send(type, data as never)
  }

  /** Sends what was held for the peer; true if that included an offer. */
  private flush(): boolean {
    const pending = this.outbox.splice(0)
    for (const { type, data } of pending) this.send(type, data)
    return pending.some((m) => m.type === 'offer')
  }

  /**
   * When both room sockets drop together nobody gets peer_left, so an offer sent meanwhile (an
   * ICE restart) went to an empty room and its answer never comes; restartIce() does nothing in
   * have-local-offer. The current local description also carries the candidates gathered since.
   */
  private resendLostOffer(offerHeld: boolean): void {
    const local = this.pc.localDescription
    if (offerHeld || this.pc.signalingState !== 'have-local-offer' || local?.type !== 'offer')
      return
    this.options.log?.('re-sending the pending offer to the re-joined peer')
    this.send('offer', { type: 'offer', sdp: local.sdp })
  }

  private onMessage(message: Envelope): void {
    if (this.closed) return
    const { type, data } = message
    switch (type) {
      case 'peer_joined': {
        if (!Value.Check(PeerData, data) || data.user_id === this.options.selfId) return
        this.peerPresent = true
        this.emit('peerPresent', true)
        const offerHeld = this.flush()
        this.resendLostOffer(offerHeld)
        this.send('media_state', this.media)
        // A peer back after a drop must still see that this end records.
        if (this.recording === 'started') this.send('recording', { state: 'started' })
        // The peer came back after a drop: if media failed meanwhile, find a new path (a
        // disconnection is left to its own timer, which first checks the pair is dead).
        if (this.pc.connectionState === 'failed') this.restartIce()
        return
      }
      case 'peer_left':
        if (!Value.Check(PeerData, data) || data.user_id === this.options.selfId) return
        this.peerPresent = false
        this.emit('peerPresent', false)
        return
      case 'offer':
      case 'answer': {
        if (!Value.Check(ClientData[type], data)) return
        const known = fingerprintOf(this.pc.remoteDescription?.sdp)
        const incoming = fingerprintOf(data.sdp)
        if (type === 'offer' && known && incoming && known !== incoming) {
          this.resetPeer({ type, sdp: data.sdp })
          return
        }
        void this.negotiator.receive({ description: { type, sdp: data.sdp } })
        return
      }
      case 'ice_candidate':
        if (!Value.Check(ClientData.ice_candidate, data)) return
        void this.negotiator.receive({ candidate: data })
        return
      case 'media_state':
        if (!Value.Check(ClientData.media_state, data)) return
        this.emit(
          'remoteMedia',
          data.screen === true
            ? { audio: data.audio, video: data.video, screen: true }
            : { audio: data.audio, video: data.video },
        )
        return
      case 'challenge':
        if (!Value.Check(ClientData.challenge, data)) return
        this.emit('challenge', data)
        return
      case 'recording':
        if (!Value.Check(ClientData.recording, data)) return
        this.emit('remoteRecording', data.state)
        return
      case 'error':
        this.options.log?.(`server error: ${JSON.stringify(data)}`)
        return
      default:
        return
    }
  }

  private readonly onTrack = (event: RTCTrackEvent): void => {
    const stream =
      event.streams[0] ??
      this.remote ??
      (this.options.createMediaStream ?? ((t) => new MediaStream(t)))([])
    if (!stream.getTracks().includes(event.track)) stream.addTrack(event.track)
    if (stream !== this.remote) {
      this.remote = stream
      this.emit('remoteStream', stream)
    }
  }

  private readonly onConnectionState = (): void => {
    const state = this.pc.connectionState
    this.emit('connectionState', state)
    if (this.disconnectTimer) {
      clearTimeout(this.disconnectTimer)
      this.disconnectTimer = null
    }
    if (state === 'failed') this.restartIce()
    if (state === 'disconnected') void this.watchDisconnected(this.current)
    if (state === 'connected') this.restoreFullResolution()
  }

  private restoreFullResolution(): void {
    if (this.scaled.length === 0 || this.fullResolutionTimer) return
    this.fullResolutionTimer = setTimeout(() => {
      this.fullResolutionTimer = null
      for (const sender of this.scaled.splice(0)) void scaleSender(sender, this.sendScale)
    }, this.options.fullResolutionAfterMs ?? FULL_RESOLUTION_AFTER_MS)
  }

  /**
   * `disconnected` is often a blip: restart ICE only when the selected candidate pair has
   * received nothing for a whole interval (it died), else look again after another one.
   */
  private async watchDisconnected(pc: RTCPeerConnection): Promise<void> {
    let before = await selectedPairProgress(pc)
    const check = async (): Promise<void> => {
      this.disconnectTimer = null
      if (this.closed || pc !== this.current || pc.connectionState !== 'disconnected') return
      const now = await selectedPairProgress(pc)
      if (now !== null && before !== null && now > before) {
        this.options.log?.('disconnected, but the selected pair still receives: no ICE restart')
        before = now
        this.disconnectTimer = setTimeout(
          () => void check(),
          this.options.disconnectedRestartMs ?? 4000,
        )
        return
      }
      this.restartIce()
    }
    if (this.closed || pc !== this.current || pc.connectionState !== 'disconnected') return
    if (this.disconnectTimer) clearTimeout(this.disconnectTimer)
    this.disconnectTimer = setTimeout(
      () => void check(),
      this.options.disconnectedRestartMs ?? 4000,
    )
  }

  private restartIce(): void {
    if (this.closed) return
    this.iceRestarts += 1
    this.options.log?.(`restarting ICE (#${this.iceRestarts})`)
    this.emit('iceRestart', this.iceRestarts)
    this.pc.restartIce()
  }

  private emit<K extends keyof CallSessionEvents>(event: K, value: CallSessionEvents[K]): void {
    const set = this.listeners.get(event)
    if (!set) return
    for (const listener of set) (listener as Listener<CallSessionEvents[K]>)(value)
  }
}

/** What a stream sends: a kind is on when one of its tracks is enabled. */
function mediaOf(stream: MediaStream): MediaState {
  return {
    audio: stream.getAudioTracks().some((t) => t.enabled),
    video: stream.getVideoTracks().some((t) => t.enabled),
  }
}
