/**
 * A small RTCPeerConnection stand-in with the JSEP signaling-state machine (including implicit
 * rollback on a remote offer in have-local-offer, as current browsers do), async events, and
 * the InvalidStateErrors real browsers throw, so negotiation can be driven under Node.
 */
type Handler = (ev: Event) => void

let counter = 0

export class FakeTrack {
  enabled = true
  readyState: 'live' | 'ended' = 'live'
  readonly id = `track-${++counter}`
  constructor(
    readonly kind: 'audio' | 'video',
    /** What a camera opened at 720p reports. */
    private readonly height = kind === 'video' ? 720 : undefined,
  ) {}
  getSettings(): { height?: number } {
    return this.height === undefined ? {} : { height: this.height }
  }
  stop(): void {
    this.readyState = 'ended'
  }
}

export class FakeStream {
  readonly id = `stream-${++counter}`
  constructor(private tracks: FakeTrack[] = []) {}
  getTracks(): FakeTrack[] {
    return [...this.tracks]
  }
  getAudioTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === 'audio')
  }
  getVideoTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === 'video')
  }
  addTrack(t: FakeTrack): void {
    if (!this.tracks.includes(t)) this.tracks.push(t)
  }
  removeTrack(t: FakeTrack): void {
    this.tracks = this.tracks.filter((x) => x !== t)
  }
}

class InvalidStateError extends Error {
  override name = 'InvalidStateError'
}

interface Sender {
  track: FakeTrack | null
  replaceTrack(t: FakeTrack | null): Promise<void>
  /** The stream ids it announces (msid), once setStreams was called. */
  streams?: string[]
  setStreams(...streams: FakeStream[]): void
  getParameters(): { encodings: { scaleResolutionDownBy?: number }[] }
  setParameters(p: { encodings: { scaleResolutionDownBy?: number }[] }): Promise<void>
}

/** A sender with one encoding, whose parameters are read and written like a browser's. */
function fakeSender(track: FakeTrack | null): Sender {
  let encodings: { scaleResolutionDownBy?: number }[] = [{}]
  const sender: Sender = {
    track,
    replaceTrack: async (t) => {
      sender.track = t
    },
    setStreams: (...streams) => {
      sender.streams = streams.map((s) => s.id)
    },
    getParameters: () => ({ encodings: encodings.map((e) => ({ ...e })) }),
    setParameters: async (p) => {
      encodings = p.encodings.map((e) => ({ ...e }))
    },
  }
  return sender
}

interface FakeTransceiver {
  sender: Sender
  receiver: { track: FakeTrack }
  direction: RTCRtpTransceiverDirection
}

export class FakePeerConnection {
  signalingState: RTCSignalingState = 'stable'
  connectionState: RTCPeerConnectionState = 'new'
  localDescription: { type: RTCSdpType; sdp: string } | null = null
  remoteDescription: { type: RTCSdpType; sdp: string } | null = null
  readonly addedCandidates: RTCIceCandidateInit[] = []
  readonly senders: Sender[] = []
  restartIceCalls = 0
  closed = false
  /** When set, descriptions carry it as their DTLS fingerprint (a connection's certificate). */
  fingerprint: string | null = null
  private readonly handlers = new Map<string, Set<Handler>>()
  private offers = 0
  private negotiationPending = false

  constructor(
    readonly name: string,
    readonly config: RTCConfiguration = {},
  ) {}

  addEventListener(type: string, handler: Handler): void {
    let set = this.handlers.get(type)
    if (!set) this.handlers.set(type, (set = new Set()))
    set.add(handler)
  }
  removeEventListener(type: string, handler: Handler): void {
    this.handlers.get(type)?.delete(handler)
  }
  dispatch(type: string, ev: Record<string, unknown> = {}): void {
    for (const h of this.handlers.get(type) ?? []) h(ev as unknown as Event)
  }

  addTrack(track: FakeTrack): Sender {
    const sender = fakeSender(track)
    this.senders.push(sender)
    this.needNegotiation()
    return sender
  }
  /** Transceivers made with addTransceiver (no track yet). */
  readonly added: FakeTransceiver[] = []
  addTransceiver(
    kind: 'audio' | 'video',
    init: { direction?: RTCRtpTransceiverDirection; streams?: FakeStream[] } = {},
  ): FakeTransceiver {
    const sender = fakeSender(null)
    if (init.streams) sender.setStreams(...init.streams)
    const t: FakeTransceiver = {
      sender,
      receiver: { track: new FakeTrack(kind) },
      direction: init.direction ?? 'sendrecv',
    }
    this.added.push(t)
    this.needNegotiation()
    return t
  }
  /**
   * The kinds a remote offer carries. Applying it makes a receive-only transceiver for each kind
   * no local track was added for, as browsers do.
   */
  remoteOfferKinds: ('audio' | 'video')[] = []
  getSenders(): Sender[] {
    return [...this.senders, ...[...this.added, ...this.recvOnly].map((t) => t.sender)]
  }
  /** Receive-only transceivers, as applying a remote offer makes for kinds with no local track. */
  readonly recvOnly: FakeTransceiver[] = []
  getTransceivers(): FakeTransceiver[] {
    return [
      ...this.senders.map((s) => ({
        sender: s,
        receiver: { track: new FakeTrack(s.track?.kind ?? 'audio') },
        direction: 'sendrecv' as RTCRtpTransceiverDirection,
      })),
      ...this.added,
      ...this.recvOnly,
    ]
  }
  addRecvOnly(kind: 'audio' | 'video'): FakeTransceiver {
    const sender = fakeSender(null)
    const t: FakeTransceiver = {
      sender,
      receiver: { track: new FakeTrack(kind) },
      direction: 'recvonly',
    }
    this.recvOnly.push(t)
    return t
  }

  restartIce(): void {
    this.restartIceCalls += 1
    this.needNegotiation()
  }

  /** Like browsers, description and candidate operations run one at a time, in call order. */
  private ops: Promise<unknown> = Promise.resolve()
  private pendingOps = 0
  private enqueue<T>(fn: () => T): Promise<T> {
    this.pendingOps += 1
    const run = this.ops.then(async () => {
      await tick()
      return fn()
    })
    this.ops = run
      .catch(() => undefined)
      .finally(() => {
        this.pendingOps -= 1
        if (this.pendingOps === 0 && this.negotiationPending) {
          this.negotiationPending = false
          this.needNegotiation()
        }
      })
    return run
  }

  setLocalDescription(desc?: { type: RTCSdpType; sdp: string }): Promise<void> {
    return this.enqueue(() => this.doSetLocal(desc))
  }
  setRemoteDescription(desc: { type: RTCSdpType; sdp: string }): Promise<void> {
    return this.enqueue(() => this.doSetRemote(desc))
  }
  addIceCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    return this.enqueue(() => {
      if (!this.remoteDescription) throw new InvalidStateError('no remote description')
      this.addedCandidates.push(candidate)
    })
  }

  private doSetLocal(desc?: { type: RTCSdpType; sdp: string }): void {
    this.assertOpen()
    if (desc) throw new Error('fake only supports implicit setLocalDescription()')
    if (this.signalingState === 'stable') {
      this.localDescription = {
        type: 'offer',
        sdp: `${this.name}-offer-${++this.offers}${this.fingerprintLine()}`,
      }
      this.signalingState = 'have-local-offer'
    } else if (this.signalingState === 'have-remote-offer') {
      this.localDescription = {
        type: 'answer',
        sdp: `${this.name}-answer${this.fingerprintLine()}`,
      }
      this.signalingState = 'stable'
      this.connect()
    } else {
      throw new InvalidStateError(`setLocalDescription in ${this.signalingState}`)
    }
  }

  private doSetRemote(desc: { type: RTCSdpType; sdp: string }): void {
    this.assertOpen()
    if (desc.type === 'offer') {
      if (this.signalingState === 'have-local-offer') {
        // Implicit rollback (what the polite peer relies on).
        this.localDescription = null
        this.signalingState = 'stable'
      }
      if (this.signalingState !== 'stable') {
        throw new InvalidStateError(`remote offer in ${this.signalingState}`)
      }
      this.remoteDescription = desc
      this.signalingState = 'have-remote-offer'
      for (const kind of this.remoteOfferKinds) {
        const taken = this.getTransceivers().some((t) => t.receiver.track.kind === kind)
        if (!taken) this.addRecvOnly(kind)
      }
    } else if (desc.type === 'answer') {
      if (this.signalingState !== 'have-local-offer') {
        throw new InvalidStateError(`remote answer in ${this.signalingState}`)
      }
      this.remoteDescription = desc
      this.signalingState = 'stable'
      this.connect()
    }
  }

  private fingerprintLine(): string {
    return this.fingerprint ? `\na=fingerprint:sha-256 ${this.fingerprint}` : ''
  }

  async getStats(): Promise<Map<string, unknown>> {
    return new Map()
  }

  close(): void {
    this.closed = true
    this.signalingState = 'closed'
  }

  /** Emits an ICE candidate as the browser would after setLocalDescription. */
  emitCandidate(candidate: string): void {
    this.dispatch('icecandidate', {
      candidate: { toJSON: () => ({ candidate, sdpMid: '0', sdpMLineIndex: 0 }) },
    })
  }

  setConnectionState(state: RTCPeerConnectionState): void {
    this.connectionState = state
    this.dispatch('connectionstatechange')
  }

  private connect(): void {
    if (this.connectionState !== 'connected') this.setConnectionState('connected')
  }

  private needNegotiation(): void {
    // Like browsers: fired asynchronously, and only in stable.
    queueMicrotask(() => {
      if (this.closed) return
      if (this.signalingState !== 'stable' || this.pendingOps > 0) {
        this.negotiationPending = true
        return
      }
      this.dispatch('negotiationneeded')
    })
  }

  private assertOpen(): void {
    if (this.closed) throw new InvalidStateError('closed')
  }
}

export const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

/** Lets queued timers and promise chains settle. */
export async function settle(rounds = 30): Promise<void> {
  for (let i = 0; i < rounds; i++) await tick()
}
