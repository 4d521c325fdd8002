import type { ChallengeKind, DetectionPort, DetectorStatus } from '../../../shared/detection.js'
import { DEFAULT_ANALYSIS_RATE, MAX_ANALYSIS_RATE } from '../../../shared/ipc-contract.js'
import { CHALLENGE_DURATION_MS } from 'veracall-signaling/protocol'
import type { AppStore } from '../store/index.js'
import { IDLE_RISK } from '../store/slices/risk.js'
import { startSampler, type Sampler } from '../detection/frame-sampler.js'
import { nextSessionNumber } from '../detection/session-number.js'

/** Verify alternates between the two moves, so a prepared fake cannot rehearse one. */
const CHALLENGE_ORDER: readonly ChallengeKind[] = ['turn_head', 'pass_hand']

export interface CallDetectionDeps {
  store: AppStore
  /** The platform's detector; null when this build has none. */
  port: DetectionPort | null
  /** Asks that person's app to prompt the move (through the call room); false if it could not. */
  sendChallenge: (kind: ChallengeKind, peerId: string) => boolean
  /** Samples a remote video into the port (the real sampler by default; tests fake it). */
  startSampler?: typeof startSampler
  /** A fresh detector session number (tests pin them). */
  sessionNumber?: () => number
}

/** One remote face: its <video>, its detector session and its sampler. */
interface Face {
  readonly peerId: string
  name: string
  connected: boolean
  /** The session number this face has open on the detector, if any. */
  session: number | null
  /** The detector has said yes to that session: frames may go. */
  ready: boolean
  sampler: Sampler | null
  /** They share a screen: no frames go to the detector. */
  paused: boolean
  challenges: number
  verifyTimer: ReturnType<typeof setTimeout> | null
}

/**
 * The face check of one video call, owned by the call: one detector session per remote face. The
 * call controller begins it with the call, starts a person's session once their media connected and
 * ends it (filing their report) when they leave or the call ends. A face's sampler runs while its
 * session is on and its <video> is there. What the badges show goes into the store's `risk` slice;
 * the reports into its persisted `reports` slice, each under the call id and the person.
 *
 * The port keys sessions by number: this class allocates one per face, so a group call's faces never
 * share one, and maps the detector's answers back to the person.
 */
export class CallDetection {
  private callId: number | null = null
  private readonly faces = new Map<string, Face>()
  /** Open sessions by number: where a risk update belongs. */
  private readonly sessions = new Map<number, Face>()
  private unsubscribe: (() => void) | null = null
  /** Remote <video>s by person: the screen may mount one before the call begins, and keeps it. */
  private readonly videos = new Map<string, HTMLVideoElement>()

  constructor(private readonly deps: CallDetectionDeps) {}

  /** A video call is starting: ask the detector how it is and listen for its faces' updates. */
  begin(callId: number): void {
    this.finish()
    const { port, store } = this.deps
    this.callId = callId
    store.getState().setRisk({ ...IDLE_RISK, detector: port !== null })
    if (!port) return
    this.unsubscribe = port.onRisk((u) => {
      const face = this.sessions.get(u.callId)
      if (face) store.getState().setPeerRisk(face.peerId, { update: u })
    })
    port.status().then(
      (status) => this.forCall(callId, () => this.setStatus(status)),
      () => this.forCall(callId, () => this.setStatus({ available: false, model: null, fps: 0 })),
    )
  }

  /** That person's media connected: their detector session starts (if it can). */
  connect(peerId: string, name: string): void {
    if (this.callId === null) return
    const face = this.face(peerId)
    face.name = name
    face.connected = true
    this.deps.store
      .getState()
      .setPeerRisk(peerId, { name, screenShare: face.paused, verifying: face.verifyTimer !== null })
    this.startSession(face)
  }

  /** That person's remote <video>, or null once it is gone. */
  setVideo(peerId: string, video: HTMLVideoElement | null): void {
    if (video) this.videos.set(peerId, video)
    else this.videos.delete(peerId)
    const face = this.faces.get(peerId)
    if (!face) return
    this.stopSampler(face)
    this.startSampler(face)
  }

  /**
   * That person started or stopped sharing a screen. While they share, their sampler stops (the
   * session stays open), so no screen frame reaches the detector, nor a "no face" from one.
   */
  setRemoteScreen(peerId: string, sharing: boolean): void {
    if (this.callId === null) return
    const face = this.face(peerId)
    if (sharing === face.paused) return
    face.paused = sharing
    if (face.connected) this.deps.store.getState().setPeerRisk(peerId, { screenShare: sharing })
    if (sharing) this.stopSampler(face)
    else this.startSampler(face)
  }

  /** That person left: their session ends, their report is filed and their badge goes. */
  removePeer(peerId: string): void {
    const face = this.faces.get(peerId)
    if (!face) return
    this.drop(face)
    this.deps.store.getState().removePeerRisk(peerId)
  }

  /** The person's on/off switch: off ends every session (reports kept), on starts new ones. */
  setEnabled(enabled: boolean): void {
    if (this.callId === null) return
    this.deps.store.getState().setRisk({ enabled })
    for (const face of this.faces.values()) {
      if (enabled) this.startSession(face)
      else this.endSession(face)
    }
  }

  /** Verify: asks that person for a move and the detector to judge their face. */
  verify(peerId: string): void {
    const { port, store } = this.deps
    const face = this.faces.get(peerId)
    const session = face?.session ?? null
    if (!face || session === null || !port || face.paused) return
    const kind = CHALLENGE_ORDER[face.challenges++ % CHALLENGE_ORDER.length] ?? 'turn_head'
    if (!this.deps.sendChallenge(kind, peerId)) return
    void port.verify?.(session, kind)
    store.getState().setPeerRisk(peerId, { verifying: true })
    if (face.verifyTimer) clearTimeout(face.verifyTimer)
    face.verifyTimer = setTimeout(() => {
      face.verifyTimer = null
      if (this.faces.get(peerId) === face)
        store.getState().setPeerRisk(peerId, { verifying: false })
    }, CHALLENGE_DURATION_MS)
  }

  /** The call ended: every session ends and its report is filed; the badges go back to idle. */
  finish(): void {
    if (this.callId === null) return
    for (const face of this.faces.values()) this.drop(face)
    this.unsubscribe?.()
    this.unsubscribe = null
    this.callId = null
    this.deps.store.getState().setRisk(IDLE_RISK)
  }

  private face(peerId: string): Face {
    let face = this.faces.get(peerId)
    if (!face) {
      face = {
        peerId,
        name: '',
        connected: false,
        session: null,
        ready: false,
        sampler: null,
        paused: false,
        challenges: 0,
        verifyTimer: null,
      }
      this.faces.set(peerId, face)
    }
    return face
  }

  /** Ends the face's session (filing its report) and forgets the face. */
  private drop(face: Face): void {
    this.endSession(face)
    if (face.verifyTimer) clearTimeout(face.verifyTimer)
    face.verifyTimer = null
    this.faces.delete(face.peerId)
  }

  private setStatus(status: DetectorStatus): void {
    this.deps.store.getState().setRisk({ status })
    for (const face of this.faces.values()) this.startSession(face)
  }

  private startSession(face: Face): void {
    const { port, store } = this.deps
    const { risk } = store.getState()
    if (!port || this.callId === null || face.session !== null || !face.connected) return
    if (!risk.enabled || risk.status?.available !== true) return
    const session = (this.deps.sessionNumber ?? nextSessionNumber)()
    face.session = session
    face.ready = false
    this.sessions.set(session, face)
    port.startSession(session).then(
      () => {
        if (face.session !== session) return
        face.ready = true
        this.startSampler(face)
      },
      (err: unknown) => console.warn(`[call ${this.callId}] detector session did not start`, err),
    )
  }

  private endSession(face: Face): void {
    const { port, store } = this.deps
    const session = face.session
    const callId = this.callId
    this.stopSampler(face)
    face.session = null
    face.ready = false
    if (this.faces.get(face.peerId) === face && face.connected)
      store.getState().setPeerRisk(face.peerId, { update: null })
    if (!port || session === null || callId === null) return
    this.sessions.delete(session)
    const peer = { id: face.peerId, name: face.name }
    port.endSession(session).then(
      // The detector knows the session number only: the report is filed under the call and person.
      (report) => report && store.getState().addReport({ ...report, callId, peer }),
      (err: unknown) => console.warn(`[call ${callId}] detector session did not end`, err),
    )
  }

  private startSampler(face: Face): void {
    const { port } = this.deps
    const session = face.session
    const video = this.videos.get(face.peerId)
    if (!port || session === null || !face.ready || !video || face.sampler || face.paused) return
    face.sampler = (this.deps.startSampler ?? startSampler)({
      video,
      callId: session,
      port,
      rate: () => this.rate(face.peerId),
    })
  }

  /**
   * The frame rate main asks for, as main last said it: its analysis rate (status), or the top
   * rate while main runs a Verify window on this face (its update's challenge is `running`). Main
   * decides both and drops what it does not want; following it keeps frames nobody analyses off
   * the wire.
   */
  private rate(peerId: string): number {
    const { status, peers } = this.deps.store.getState().risk
    if (peers[peerId]?.update?.challenge?.state === 'running') return MAX_ANALYSIS_RATE
    return status?.fps || DEFAULT_ANALYSIS_RATE
  }

  private stopSampler(face: Face): void {
    face.sampler?.stop()
    face.sampler = null
  }

  /** Runs `fn` only if the call `callId` is still the current one. */
  private forCall(callId: number, fn: () => void): void {
    if (this.callId === callId) fn()
  }
}
