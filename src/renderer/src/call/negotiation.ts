/**
 * W3C "perfect negotiation" (webrtc/samples perfect-negotiation, MDN) as a module with the
 * transport injected: both sides may offer at any time; on a collision the polite peer (the
 * callee) rolls back and answers, the impolite one ignores the offer. Remote messages are
 * handled one at a time, and ICE candidates that arrive before a remote description are queued.
 */
export type Description = { type: 'offer' | 'answer'; sdp: string }
export type Candidate = RTCIceCandidateInit

export interface NegotiationSignals {
  sendDescription(description: Description): void
  sendCandidate(candidate: Candidate): void
}

export type NegotiationErrorCode =
  | 'offer_failed'
  | 'remote_description_failed'
  | 'answer_failed'
  | 'add_candidate_failed'
  | 'invariant_violated'

export class NegotiationError extends Error {
  constructor(
    readonly code: NegotiationErrorCode,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message)
    this.name = 'NegotiationError'
  }
}

export interface NegotiatorOptions {
  polite: boolean
  /**
   * Make no offer until the other side's first offer has been applied (the callee). The caller's
   * offer already has an m-line for each of the callee's tracks (setRemoteDescription attaches
   * the callee's addTrack transceivers to them), so an offer of the callee's own could only
   * collide with it and be rolled back, costing a round trip of set-up. Afterwards this side
   * offers as usual (renegotiation, ICE restarts); if the answer left something to negotiate,
   * the browser fires negotiationneeded again once stable.
   */
  awaitFirstOffer?: boolean
  /**
   * Ignore remote offers until this side's first offer has been answered (an app that rejoins a
   * call with a fresh connection): the other side may still be offering from its old
   * connection, which this one must not answer. Its answer to our offer comes from a connection
   * rebuilt for ours.
   */
  awaitFirstAnswer?: boolean
  signals: NegotiationSignals
  /**
   * Runs after a remote offer is applied and before the answer is made: the last moment to give
   * the offer's transceivers what this side will send (a callee whose camera is still opening).
   */
  beforeAnswer?: () => void
  onError?: (error: NegotiationError) => void
  log?: (message: string) => void
}

/** The subset of RTCPeerConnection negotiation needs (a fake implements it in tests). */
export type NegotiablePeer = Pick<
  RTCPeerConnection,
  | 'signalingState'
  | 'remoteDescription'
  | 'localDescription'
  | 'setLocalDescription'
  | 'setRemoteDescription'
  | 'addIceCandidate'
  | 'addEventListener'
  | 'removeEventListener'
>

export class Negotiator {
  private makingOffer = false
  private ignoreOffer = false
  private pendingCandidates: Candidate[] = []
  private chain: Promise<void> = Promise.resolve()
  private closed = false
  private awaitingOffer: boolean
  private awaitingAnswer: boolean
  readonly role: 'polite' | 'impolite'
  /** Offers this side ignored because of a collision (for tests and diagnostics). */
  ignoredOffers = 0

  constructor(
    private readonly pc: NegotiablePeer,
    private readonly options: NegotiatorOptions,
  ) {
    this.role = options.polite ? 'polite' : 'impolite'
    this.awaitingOffer = options.awaitFirstOffer ?? false
    this.awaitingAnswer = options.awaitFirstAnswer ?? false
    pc.addEventListener('negotiationneeded', this.onNegotiationNeeded)
    pc.addEventListener('icecandidate', this.onIceCandidate)
  }

  /** Feeds a remote description or candidate; resolves once it has been applied (or dropped). */
  receive(message: { description: Description } | { candidate: Candidate }): Promise<void> {
    this.chain = this.chain.then(() => this.apply(message)).catch((err: unknown) => this.fail(err))
    return this.chain
  }

  /**
   * Runs `task` between remote messages, never while one is being applied: a change to the
   * connection's tracks cannot interleave with setRemoteDescription and setLocalDescription.
   */
  whenIdle(task: () => void | Promise<void>): Promise<void> {
    this.chain = this.chain.then(task).catch((err: unknown) => this.fail(err))
    return this.chain
  }

  close(): void {
    this.closed = true
    this.pc.removeEventListener('negotiationneeded', this.onNegotiationNeeded)
    this.pc.removeEventListener('icecandidate', this.onIceCandidate)
    this.pendingCandidates = []
  }

  private readonly onNegotiationNeeded = async (): Promise<void> => {
    if (this.closed) return
    if (this.awaitingOffer) {
      this.log('waiting for the first remote offer before offering')
      return
    }
    try {
      this.makingOffer = true
      await this.pc.setLocalDescription()
      const local = this.pc.localDescription
      // Another offer may have been applied meanwhile: only send what is still an offer.
      if (local && local.type === 'offer' && !this.closed) {
        this.log(`sending offer (${this.pc.signalingState})`)
        this.options.signals.sendDescription({ type: 'offer', sdp: local.sdp })
      }
    } catch (err) {
      this.fail(new NegotiationError('offer_failed', 'Could not create an offer', err))
    } finally {
      this.makingOffer = false
    }
  }

  private readonly onIceCandidate = (event: RTCPeerConnectionIceEvent): void => {
    if (this.closed || !event.candidate) return
    this.options.signals.sendCandidate(event.candidate.toJSON())
  }

  private async apply(
    message: { description: Description } | { candidate: Candidate },
  ): Promise<void> {
    if (this.closed) return
    if ('candidate' in message) {
      if (!this.pc.remoteDescription) {
        this.pendingCandidates.push(message.candidate)
        return
      }
      await this.addCandidate(message.candidate)
      return
    }
    const { description } = message
    if (description.type === 'offer' && this.awaitingAnswer) {
      this.ignoredOffers += 1
      // Its candidates are expected to fail too.
      this.ignoreOffer = true
      this.log('ignoring an offer until our first offer is answered')
      return
    }
    const offerCollision =
      description.type === 'offer' && (this.makingOffer || this.pc.signalingState !== 'stable')
    this.ignoreOffer = !this.options.polite && offerCollision
    if (this.ignoreOffer) {
      this.ignoredOffers += 1
      this.log('ignoring colliding offer')
      return
    }
    if (description.type === 'answer' && this.pc.signalingState !== 'have-local-offer') {
      // A late answer to an offer we rolled back: nothing to apply.
      this.log(`dropping answer in ${this.pc.signalingState}`)
      return
    }
    try {
      await this.pc.setRemoteDescription(description)
    } catch (err) {
      throw new NegotiationError(
        'remote_description_failed',
        `setRemoteDescription(${description.type}) failed`,
        err,
      )
    }
    if (description.type === 'offer') {
      this.awaitingOffer = false
      this.assertState('have-remote-offer')
      this.options.beforeAnswer?.()
      try {
        await this.pc.setLocalDescription()
      } catch (err) {
        throw new NegotiationError('answer_failed', 'Could not create an answer', err)
      }
      const local = this.pc.localDescription
      if (local && local.type === 'answer') {
        this.log('sending answer')
        this.options.signals.sendDescription({ type: 'answer', sdp: local.sdp })
      }
    }
    if (description.type === 'answer') this.awaitingAnswer = false
    this.assertState('stable')
    const queued = this.pendingCandidates
    this.pendingCandidates = []
    for (const candidate of queued) await this.addCandidate(candidate)
  }

  private async addCandidate(candidate: Candidate): Promise<void> {
    if (isStale(candidate, this.pc.remoteDescription?.sdp)) {
      this.log('dropping a candidate of an earlier connection')
      return
    }
    try {
      await this.pc.addIceCandidate(candidate)
    } catch (err) {
      // Candidates of an offer we ignored are expected to fail.
      if (!this.ignoreOffer) {
        throw new NegotiationError('add_candidate_failed', 'Could not add an ICE candidate', err)
      }
    }
  }

  private assertState(expected: RTCSignalingState): void {
    // A newer local offer may legitimately have started meanwhile.
    if (this.pc.signalingState !== expected && this.pc.signalingState !== 'have-local-offer') {
      throw new NegotiationError(
        'invariant_violated',
        `expected signalingState ${expected}, got ${this.pc.signalingState}`,
      )
    }
  }

  private fail(err: unknown): void {
    const error =
      err instanceof NegotiationError
        ? err
        : new NegotiationError('invariant_violated', String(err), err)
    this.log(`error ${error.code}: ${error.message}`)
    this.options.onError?.(error)
  }

  private log(message: string): void {
    this.options.log?.(`[${this.role}] ${message}`)
  }

  /** Number of candidates waiting for a remote description (for tests). */
  get queuedCandidates(): number {
    return this.pendingCandidates.length
  }
}

/**
 * A candidate whose ICE username fragment is not the remote description's belongs to a
 * connection the other side has since replaced (an ICE restart, a reloaded app).
 */
function isStale(candidate: Candidate, remoteSdp: string | undefined): boolean {
  const ufrag = candidate.usernameFragment
  if (!ufrag || !remoteSdp) return false
  const frags = [...remoteSdp.matchAll(/^a=ice-ufrag:(\S+)/gm)].map((m) => m[1])
  return frags.length > 0 && !frags.includes(ufrag)
}
