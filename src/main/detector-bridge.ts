import type * as HostModule from './detector/host.js'
import type { RiskUpdate } from '../shared/ipc-contract.js'

/**
 * What main needs from the detector host that the detection work exports from
 * `./detector/host.ts` (a worker behind a {seq, request} envelope): its own types, so a change
 * there is a compile error here. Main has no channel for the "Verify" boost yet, so it is left
 * out. Loaded lazily so the app starts without it and the ONNX runtime is only loaded when
 * detection is on.
 */
export type DetectorHost = Omit<HostModule.DetectorHost, 'verify'>
export type DetectorHostOptions = HostModule.DetectorHostOptions

export interface DetectorModule {
  createDetectorHost(options: DetectorHostOptions): DetectorHost
}

/** Vite turns this into a lazy import of the host when the file exists, and {} when not. */
const hostModules = import.meta.glob<typeof HostModule>('./detector/host.ts')

export async function loadDetectorModule(): Promise<DetectorModule | null> {
  const load = hostModules['./detector/host.ts']
  if (load === undefined) return null
  const module = await load()
  return typeof module.createDetectorHost === 'function' ? module : null
}

/** Says plainly why detection is unavailable; never produces a score (no faked detection). */
export function unavailableDetector(reason: string): DetectorHost {
  return {
    status: async () => ({ available: false, reason, model: null, fps: 0 }),
    startSession: async () => undefined,
    submitFrame: async () => undefined,
    endSession: async () => null,
    onRisk: () => () => undefined,
    stop: async () => undefined,
  }
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
}): { get(): Promise<DetectorHost>; stop(): Promise<void> } {
  // The risk subscription travels with the host it belongs to, so a stop() that lands while a
  // start is still loading unsubscribes that host, not whichever started last.
  type Running = { host: DetectorHost; unsubscribe: () => void }
  let current: Promise<Running> | null = null
  const idle = (reason: string): Running => ({
    host: unavailableDetector(reason),
    unsubscribe: () => undefined,
  })

  const start = async (): Promise<Running> => {
    if (!deps.enabled()) return idle('Detection is turned off in Settings.')
    try {
      const module = await deps.load()
      if (module === null) return idle('The detector is not included in this build.')
      const host = module.createDetectorHost(deps.options())
      return { host, unsubscribe: host.onRisk(deps.onRisk) }
    } catch (error) {
      deps.log(`detector failed to load: ${String(error)}`)
      return idle('The detector could not be started.')
    }
  }

  return {
    async get() {
      current ??= start()
      return (await current).host
    },
    async stop() {
      const running = current
      current = null
      if (running === null) return
      const { host, unsubscribe } = await running
      unsubscribe()
      await host.stop()
    },
  }
}
