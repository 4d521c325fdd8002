import type * as HostModule from './detector/host.js'
import { reasonDetail } from './detector/unavailable-code.js'
import type { DetectorUnavailableCode } from '../shared/detection.js'
import {
  MAX_REPORT_TIMELINE,
  type RiskUpdate,
  type SecurityReport,
} from '../shared/ipc-contract.js'
import { levelRank } from '../shared/risk.js'

/**
 * What main needs from the detector host (`./detector/host.ts`, a worker behind a {seq, request}
 * envelope): its own types, so a change there is a compile error here. Loaded lazily (a dynamic
 * import) so the ONNX runtime is only loaded when detection is on.
 */
export type DetectorHost = HostModule.DetectorHost
export type DetectorHostOptions = HostModule.DetectorHostOptions

export interface DetectorModule {
  createDetectorHost(options: DetectorHostOptions): DetectorHost
}

export async function loadDetectorModule(): Promise<DetectorModule | null> {
  return import('./detector/host.js')
}

/**
 * Says why detection is unavailable (a code the UI words, and any technical detail apart from it);
 * never produces a score (no faked detection).
 */
export function unavailableDetector(code: DetectorUnavailableCode, detail?: string): DetectorHost {
  const status = {
    available: false,
    code,
    ...(detail !== undefined && { reason: reasonDetail(detail) }),
    model: null,
    fps: 0,
  }
  return {
    status: async () => status,
    startSession: async () => undefined,
    submitFrame: async () => undefined,
    endSession: async () => null,
    verify: async () => undefined,
    setAnalysisRate: () => undefined,
    onRisk: () => () => undefined,
    stop: async () => undefined,
  }
}

/**
 * One report for a call whose detector was restarted part-way (settings changed): the parts'
 * timelines in order, shares weighted by each part's length, the highest peak.
 */
export function mergeReports(first: SecurityReport, second: SecurityReport): SecurityReport {
  const a = Math.max(0, first.endedAt - first.startedAt)
  const b = Math.max(0, second.endedAt - second.startedAt)
  const share: Record<string, number> = {}
  for (const level of new Set([
    ...Object.keys(first.shareByLevel),
    ...Object.keys(second.shareByLevel),
  ])) {
    const mixed =
      a + b > 0
        ? ((first.shareByLevel[level] ?? 0) * a + (second.shareByLevel[level] ?? 0) * b) / (a + b)
        : (second.shareByLevel[level] ?? 0)
    share[level] = Math.min(1, mixed)
  }
  const scores = [first.peakScore, second.peakScore].filter((x): x is number => x !== null)
  return {
    callId: second.callId,
    model: second.model ?? first.model,
    startedAt: first.startedAt,
    endedAt: second.endedAt,
    peakLevel:
      levelRank(second.peakLevel) > levelRank(first.peakLevel) ? second.peakLevel : first.peakLevel,
    peakScore: scores.length > 0 ? Math.max(...scores) : null,
    shareByLevel: share,
    timeline: [...first.timeline, ...second.timeline].slice(-MAX_REPORT_TIMELINE),
  }
}

export interface DetectorBridge {
  get(): Promise<DetectorHost>
  /** A new analysis rate: applied to the running host, so calls go on as they were. */
  setAnalysisRate(fps: number): Promise<void>
  /**
   * Detection turned on/off or another model folder: a new host, with every call still in
   * progress re-opened on it (or told "off"), and the part before kept for its report.
   */
  restart(): Promise<void>
  stop(): Promise<void>
}

/**
 * Starts the host on first use, restarts it when its options change, and falls back to an
 * "unavailable" detector if the module is missing or fails to load.
 */
export function createDetectorBridge(deps: {
  load: () => Promise<DetectorModule | null>
  options: () => DetectorHostOptions
  enabled: () => boolean
  onRisk(update: RiskUpdate): void
  log(message: string): void
}): DetectorBridge {
  // Calls between startSession and endSession, and what a replaced host had seen of them.
  const live = new Set<number>()
  const before = new Map<number, SecurityReport>()

  const keep = (callId: number, part: SecurityReport | null): void => {
    if (part === null) return
    const earlier = before.get(callId)
    before.set(callId, earlier === undefined ? part : mergeReports(earlier, part))
  }

  /** What the IPC handlers talk to: the running host, with the calls in progress tracked. */
  const tracked = (host: DetectorHost): DetectorHost => ({
    ...host,
    startSession: async (callId) => {
      live.add(callId)
      before.delete(callId)
      await host.startSession(callId)
    },
    endSession: async (callId) => {
      live.delete(callId)
      keep(callId, await host.endSession(callId))
      const report = before.get(callId) ?? null
      before.delete(callId)
      return report
    },
  })

  // The risk subscription travels with the host it belongs to, so a stop() that lands while a
  // start is still loading unsubscribes that host, not whichever started last. `api` is the
  // tracked host, built once (not per IPC call: frames arrive several times a second). `idle`
  // says what a call sees instead of scores when there is no real host.
  type Running = {
    host: DetectorHost
    api: DetectorHost
    unsubscribe: () => void
    idle: 'off' | 'unavailable' | null
  }
  const running = (
    host: DetectorHost,
    unsubscribe: () => void,
    idle: Running['idle'],
  ): Running => ({ host, api: tracked(host), unsubscribe, idle })
  let current: Promise<Running> | null = null
  const idle = (
    level: 'off' | 'unavailable',
    code: DetectorUnavailableCode,
    detail?: string,
  ): Running => running(unavailableDetector(code, detail), () => undefined, level)

  const start = async (): Promise<Running> => {
    if (!deps.enabled()) return idle('off', 'turned_off')
    try {
      const module = await deps.load()
      if (module === null) return idle('unavailable', 'not_in_build')
      const host = module.createDetectorHost(deps.options())
      return running(host, host.onRisk(deps.onRisk), null)
    } catch (error) {
      deps.log(`detector failed to load: ${String(error)}`)
      return idle('unavailable', 'failed_to_start', String(error))
    }
  }

  const stopRunning = async (keepParts: boolean): Promise<void> => {
    const running = current
    current = null
    if (running === null) return
    const { host, unsubscribe } = await running
    if (keepParts) for (const callId of live) keep(callId, await host.endSession(callId))
    unsubscribe()
    await host.stop()
  }

  return {
    async get() {
      current ??= start()
      return (await current).api
    },
    async setAnalysisRate(fps) {
      if (current !== null) (await current).host.setAnalysisRate(fps)
    },
    async restart() {
      await stopRunning(true)
      if (live.size === 0) return
      current ??= start()
      const next = await current
      for (const callId of live) {
        // The call screen must not keep showing the old host's last level.
        if (next.idle === null) await next.host.startSession(callId)
        else deps.onRisk({ callId, level: next.idle, score: null, history: [], model: null })
      }
    },
    async stop() {
      await stopRunning(false)
    },
  }
}
