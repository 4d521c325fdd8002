import type { ChallengeKind, DetectionPort } from '../../../shared/detection.js'
import { DEFAULT_ANALYSIS_RATE, MAX_ANALYSIS_RATE } from '../../../shared/ipc-contract.js'
import { CHALLENGE_DURATION_MS } from 'veracall-signaling/protocol'
import type { AppStore } from '../store/index.js'
import { IDLE_RISK } from '../store/slices/risk.js'
import { startSampler, type Sampler } from '../detection/frame-sampler.js'

/** Verify alternates between the two moves, so a prepared fake cannot rehearse one. */
const CHALLENGE_ORDER: readonly ChallengeKind[] = ['turn_head', 'pass_hand']

export interface CallDetectionDeps {
  store: AppStore
  /** The platform's detector; null when this build has none. */
  port: DetectionPort | null
  /** Asks the other person's app to prompt the move (through the call room); false if it could not. */
  sendChallenge: (kind: ChallengeKind) => boolean
  /** Samples the remote video into the port (the real sampler by default; tests fake it). */
  startSampler?: typeof startSampler
}

/**
 * The face check of one video call, owned by the call: the call controller begins it with the
 * call, starts the detector's session once connected and ends it (filing the report) at finish.
 * The sampler runs while the session is on and the remote <video> is there. Everything the badge
 * shows goes into the store's `risk` slice; the report into its persisted `reports` slice.
 */
export class CallDetection {
  private callId: number | null = null
  private connected = false
  /** The session this call has open on the detector, if any. */
  private session: number | null = null
  /** The detector has said yes to that session: frames may go. */
  private ready = false
  private video: HTMLVideoElement | null = null
  private sampler: Sampler | null = null
  private unsubscribe: (() => void) | null = null
  private challenges = 0
  /** The other side shares a screen: no frames go to the detector. */
  private paused = false
  private verifyTimer: ReturnType<typeof setTimeout> | null = null

  constructor(private readonly deps: CallDetectionDeps) {}

  /** A video call is starting: ask the detector how it is and listen for this call's updates. */
  begin(callId: number): void {
    this.finish()
    const { port, store } = this.deps
    this.callId = callId
    store.getState().setRisk({ ...IDLE_RISK, detector: port !== null })
    if (!port) return
    this.unsubscribe = port.onRisk((u) => {
      if (u.callId === callId && this.session === callId) store.getState().setRisk({ update: u })
    })
    port.status().then(
      (status) => this.forCall(callId, () => this.setStatus(status)),
      () => this.forCall(callId, () => this.setStatus({ available: false, model: null, fps: 0 })),
    )
  }

  /** The peer connection is up: the detector's session starts (if it can). */
  connect(): void {
    this.connected = true
    this.startSession()
  }

  /** The call screen's remote <video>, or null once it is gone. */
  setVideo(video: HTMLVideoElement | null): void {
    this.video = video
    this.stopSampler()
    this.startSampler()
  }

  /**
   * The other side started or stopped sharing a screen. While it shares, the sampler stops (the
   * session stays open), so no screen frame reaches the detector, nor a "no face" from one.
   */
  setRemoteScreen(sharing: boolean): void {
    if (this.callId === null || sharing === this.paused) return
    this.paused = sharing
    this.deps.store.getState().setRisk({ screenShare: sharing })
    if (sharing) this.stopSampler()
    else this.startSampler()
  }

  /** The person's on/off switch: off ends the session (its report is kept), on starts a new one. */
  setEnabled(enabled: boolean): void {
    if (this.callId === null) return
    this.deps.store.getState().setRisk({ enabled })
    if (enabled) this.startSession()
    else this.endSession()
  }

  /** Verify: asks the other person for a move and the detector to judge it. */
  verify(): void {
    const { port, store } = this.deps
    const callId = this.session
    if (callId === null || !port || this.paused) return
    const kind = CHALLENGE_ORDER[this.challenges++ % CHALLENGE_ORDER.length] ?? 'turn_head'
    if (!this.deps.sendChallenge(kind)) return
    void port.verify?.(callId, kind)
    store.getState().setRisk({ verifying: true })
    if (this.verifyTimer) clearTimeout(this.verifyTimer)
    this.verifyTimer = setTimeout(() => {
      this.verifyTimer = null
      store.getState().setRisk({ verifying: false })
    }, CHALLENGE_DURATION_MS)
  }

  /** The call ended: the session ends and its report is filed; the badge goes back to idle. */
  finish(): void {
    if (this.callId === null) return
    this.endSession()
    this.unsubscribe?.()
    this.unsubscribe = null
    if (this.verifyTimer) clearTimeout(this.verifyTimer)
    this.verifyTimer = null
    this.callId = null
    this.connected = false
    this.paused = false
    this.deps.store.getState().setRisk(IDLE_RISK)
  }

  private setStatus(status: Awaited<ReturnType<DetectionPort['status']>>): void {
    this.deps.store.getState().setRisk({ status })
    this.startSession()
  }

  private startSession(): void {
    const { port, store } = this.deps
    const callId = this.callId
    const { risk } = store.getState()
    if (!port || callId === null || this.session !== null || !this.connected) return
    if (!risk.enabled || risk.status?.available !== true) return
    this.session = callId
    this.ready = false
    port.startSession(callId).then(
      () =>
        this.forSession(callId, () => {
          this.ready = true
          this.startSampler()
        }),
      (err: unknown) => console.warn(`[call ${callId}] detector session did not start`, err),
    )
  }

  private endSession(): void {
    const { port, store } = this.deps
    const callId = this.session
    this.stopSampler()
    this.session = null
    this.ready = false
    store.getState().setRisk({ update: null })
    if (!port || callId === null) return
    port.endSession(callId).then(
      (report) => report && store.getState().addReport(report),
      (err: unknown) => console.warn(`[call ${callId}] detector session did not end`, err),
    )
  }

  private startSampler(): void {
    const { port } = this.deps
    const callId = this.session
    if (!port || callId === null || !this.ready || !this.video || this.sampler || this.paused)
      return
    this.sampler = (this.deps.startSampler ?? startSampler)({
      video: this.video,
      callId,
      port,
      rate: () => this.rate(),
    })
  }

  /**
   * The frame rate main asks for, as main last said it: its analysis rate (status), or the top
   * rate while main runs a Verify window (the update's challenge is `running`). Main decides both
   * and drops what it does not want; following it keeps frames nobody analyses off the wire.
   */
  private rate(): number {
    const { status, update } = this.deps.store.getState().risk
    if (update?.challenge?.state === 'running') return MAX_ANALYSIS_RATE
    return status?.fps || DEFAULT_ANALYSIS_RATE
  }

  private stopSampler(): void {
    this.sampler?.stop()
    this.sampler = null
  }

  /** Runs `fn` only if the call `callId` is still the current one. */
  private forCall(callId: number, fn: () => void): void {
    if (this.callId === callId) fn()
  }

  private forSession(callId: number, fn: () => void): void {
    if (this.session === callId) fn()
  }
}
