/**
 * The detector as main (or the web bridge) sees it: call sessions, frame rate limiting and
 * back-pressure, the worker behind it, and per-call risk aggregation. `createDetectorHost` is the
 * entry the Electron glue (src/main/detector-bridge.ts) loads lazily.
 */
import type {
  DetectorStatus,
  FrameInput,
  RiskUpdate,
  SecurityReport,
} from '../../shared/detection.js'
import { MAX_ANALYSIS_RATE } from '../../shared/ipc-contract.js'
import type { FrameOutcome } from '../../shared/risk.js'
import { thresholdsFromCalibration } from '../../shared/risk.js'
import type { FrameAnalysis } from './engine.js'
import type { ChallengeKind } from 'veracall-signaling/protocol'
import { CHALLENGE_WINDOW_MS, ChallengeTracker } from './challenge.js'
import type { SpawnDetector } from './detector-process.js'
import { RiskAggregator } from './score.js'
import type { InitResult } from './worker-protocol.js'
import { DetectorError, WorkerHost } from './worker-host.js'
import { reasonDetail, unavailableCodeFor } from './unavailable-code.js'

export interface DetectorHostOptions {
  /** Folder with model.onnx + model.json: the user's own or the bundled one. */
  modelDir: string
  /** Frames per second to analyse, 1–10 (settings.analysisRate). */
  analysisRate: number
  log(message: string): void
  intraOpNumThreads?: number
  /** Share of one core the detector may use before the rate is lowered (default 0.2). */
  cpuBudget?: number
  /** Starts the detector process (default: child_process.fork; Electron passes utilityProcess). */
  spawn?: SpawnDetector
}

export interface DetectorHost {
  status(): Promise<DetectorStatus>
  startSession(callId: number): Promise<void>
  submitFrame(frame: FrameInput): Promise<void>
  endSession(callId: number): Promise<SecurityReport | null>
  /**
   * The "Verify" check: analyse at the top rate (10 fps) for `ms` (at most 10 s) from the next
   * frame. Asking again restarts that window; it never adds up. With a `kind`, it is a liveness
   * challenge the other side was asked to do: the window is judged (see challenge.ts) and its
   * outcome rides on the call's risk updates; a face that broke up raises the level to High.
   */
  verify(callId: number, opts?: { kind?: ChallengeKind; ms?: number }): Promise<void>
  /** A new settings.analysisRate, applied to running sessions without restarting anything. */
  setAnalysisRate(fps: number): void
  onRisk(listener: (update: RiskUpdate) => void): () => void
  stop(): Promise<void>
}

interface Session {
  callId: number
  agg: RiskAggregator
  lastAcceptedMs: number
  inFlight: boolean
  boostUntil: number
  /** A Verify asked for: its length, anchored to the next frame's timestamp (frame clock). */
  boostPendingMs: number
  challenge: ChallengeTracker | null
}

/** Verify analyses at the top rate the settings allow. */
const MAX_FPS = MAX_ANALYSIS_RATE
export const VERIFY_MS = 5000
const MAX_VERIFY_MS = 10_000

export function outcomeOf(a: FrameAnalysis, t: number): FrameOutcome {
  // The engine already turns a non-finite logit into `bad_output`: only finite logits get here.
  if (a.status === 'ok' && a.logit !== null) return { t, kind: 'scored', logit: a.logit }
  return a.status === 'no_face' ? { t, kind: 'no_face' } : { t, kind: 'poor_quality' }
}

/**
 * The analysis rate: the configured one (1–10 fps), lowered while the measured per-frame cost
 * would take more than `budget` of one core.
 */
export function effectiveFps(configured: number, costMs: number | null, budget: number): number {
  const fps = Math.min(MAX_FPS, Math.max(1, Math.round(configured)))
  if (costMs === null || costMs <= 0) return fps
  return Math.max(1, Math.min(fps, Math.floor((budget * 1000) / costMs)))
}

export function createDetectorHost(opts: DetectorHostOptions): DetectorHost {
  const clampFps = (fps: number): number => Math.min(MAX_FPS, Math.max(1, Math.round(fps)))
  let configuredFps = clampFps(opts.analysisRate)
  const budget = opts.cpuBudget ?? 0.2
  const worker = new WorkerHost({
    modelDir: opts.modelDir,
    intraOpNumThreads: opts.intraOpNumThreads ?? 1,
    ...(opts.spawn ? { spawn: opts.spawn } : {}),
  })
  const listeners = new Set<(u: RiskUpdate) => void>()
  const sessions = new Map<number, Session>()
  let init: InitResult | null = null
  let costMs: number | null = null // EMA of the detector's CPU time per frame
  let starting: Promise<InitResult | null> | null = null

  const ensureStarted = (): Promise<InitResult | null> => {
    starting ??= worker.start().then(
      (r) => {
        init = r
        opts.log(`detector ready: ${r.model.name} ${r.model.version}`)
        return r
      },
      (e: Error) => {
        opts.log(`detector unavailable: ${e.message}`)
        return null
      },
    )
    return starting
  }
  worker.onState((s) => {
    if (s.state === 'ready') init = s.init
    if (s.state === 'restarting') opts.log(`detector worker restarting (attempt ${s.attempt})`)
  })

  const model = (): RiskUpdate['model'] =>
    init ? { name: init.model.name, version: init.model.version } : null

  const currentFps = (): number => effectiveFps(configuredFps, costMs, budget)

  const emit = (s: Session, level?: RiskUpdate['level']): void => {
    const st = s.agg.state
    const update: RiskUpdate = {
      callId: s.callId,
      level: level ?? st.level,
      score: level ? null : st.score,
      history: s.agg.sparkline(),
      model: model(),
      ...(s.challenge && {
        challenge: {
          kind: s.challenge.kind,
          state: s.challenge.state,
          turned: s.challenge.result?.turned ?? false,
          occluded: s.challenge.result?.occluded ?? false,
        },
      }),
    }
    for (const l of listeners) l(update)
  }

  return {
    async status() {
      await ensureStarted()
      const s = worker.state
      return s.state === 'unavailable'
        ? {
            available: false,
            code: unavailableCodeFor(s.code),
            reason: reasonDetail(s.reason),
            model: null,
            fps: 0,
          }
        : { available: init !== null, model: model(), fps: currentFps() }
    },

    async startSession(callId) {
      const r = await ensureStarted()
      const thresholds = thresholdsFromCalibration(r?.calibration ?? { threshold: 0.5 })
      const s: Session = {
        callId,
        agg: new RiskAggregator(thresholds),
        lastAcceptedMs: -Infinity,
        inFlight: false,
        boostUntil: 0,
        boostPendingMs: 0,
        challenge: null,
      }
      sessions.set(callId, s)
      emit(s, r ? undefined : 'unavailable')
    },

    async submitFrame(frame) {
      const s = sessions.get(frame.callId)
      if (!s) return
      if (!init) {
        emit(s, 'unavailable')
        return
      }
      if (s.boostPendingMs > 0) {
        s.boostUntil = frame.timestampMs + s.boostPendingMs
        s.boostPendingMs = 0
      }
      const fps = frame.timestampMs < s.boostUntil ? MAX_FPS : currentFps()
      // Back-pressure: one frame in flight per call, and no more often than the rate allows.
      if (s.inFlight || frame.timestampMs - s.lastAcceptedMs < 1000 / fps - 5) return
      s.inFlight = true
      s.lastAcceptedMs = frame.timestampMs
      try {
        const a = await worker.analyse(frame)
        // CPU time, not wall time: on a busy machine the wall time of a frame grows with everyone
        // else's load, and throttling on it starved the detector (no verdict for tens of seconds).
        const cost = a.cpuMs ?? a.timings.detectMs + a.timings.cropMs + a.timings.classifyMs
        costMs = costMs === null ? cost : costMs + 0.1 * (cost - costMs)
        if (sessions.get(frame.callId) !== s) return
        s.agg.push(outcomeOf(a, frame.timestampMs))
        const judged = s.challenge?.push({
          t: frame.timestampMs,
          status: a.status,
          yaw: a.pose?.yaw ?? null,
          logit: a.logit,
        })
        // A face that breaks up when asked to turn or be covered is strong evidence of a swap.
        if (judged?.verdict === 'broke_up') s.agg.addEvidence(2)
        emit(s)
      } catch (e) {
        // A crashed or hung worker loses this frame (no data); the host restarts it.
        const code = e instanceof DetectorError ? e.code : 'internal'
        if (code === 'unavailable') emit(s, 'unavailable')
        else if (code !== 'bad_frame') opts.log(`detector frame dropped: ${code}`)
        else throw e
      } finally {
        s.inFlight = false
      }
    },

    async verify(callId, { kind, ms = kind ? CHALLENGE_WINDOW_MS : VERIFY_MS } = {}) {
      const s = sessions.get(callId)
      if (!s) return
      s.boostPendingMs = Math.min(MAX_VERIFY_MS, Math.max(0, ms))
      if (kind) s.challenge = new ChallengeTracker(kind, s.agg.baselineLogit())
    },

    setAnalysisRate(fps) {
      configuredFps = clampFps(fps)
    },

    async endSession(callId) {
      const s = sessions.get(callId)
      if (!s) return null
      sessions.delete(callId)
      return s.agg.report(callId, model(), Date.now())
    },

    onRisk(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },

    async stop() {
      sessions.clear()
      listeners.clear()
      await worker.stop()
    },
  }
}
