/**
 * Runs the detector engine in its own process (detector-process.ts) and keeps it alive:
 * requests travel in {seq, request} envelopes; a crashed, hung or memory-hungry process is
 * killed, its pending requests rejected with a code, and a new one started with backoff. A model
 * that fails to load — or crashes its process while loading, again and again — leaves the host
 * "unavailable" with a reason. Nothing the model does can take the app down.
 */
import type { DetectorChild, SpawnDetector } from './detector-process.js'
import { forkDetector } from './detector-process.js'
import type { FrameAnalysis } from './engine.js'
import type {
  InitResult,
  RequestEnvelope,
  ResponseEnvelope,
  SerializedError,
  WorkerRequest,
  WorkerResult,
} from './worker-protocol.js'

export type DetectorErrorCode =
  'worker_crashed' | 'timeout' | 'unavailable' | 'stopped' | 'bad_frame' | string

export class DetectorError extends Error {
  constructor(
    message: string,
    readonly code: DetectorErrorCode,
  ) {
    super(message)
    this.name = 'DetectorError'
  }
}

export interface WorkerHostOptions {
  modelDir: string
  intraOpNumThreads?: number
  /** A request not answered in this time counts as a hung worker. */
  requestTimeoutMs?: number
  /** Backoff before restart n is min(maxMs, initialMs × 2^n). */
  backoff?: { initialMs: number; maxMs: number }
  /** Starts a detector process (default: child_process.fork of worker.ts / worker.js). */
  spawn?: SpawnDetector
  /** The process is killed (and restarted) when its resident memory passes this. */
  memoryLimitBytes?: number
  /** How often the memory is read. */
  memoryCheckMs?: number
}

/** A model whose process dies this many times in a row while loading is given up on. */
const MAX_INIT_CRASHES = 3
export const DEFAULT_MEMORY_LIMIT_BYTES = 1536 * 1024 * 1024

export type HostState =
  | { state: 'starting' }
  | { state: 'ready'; init: InitResult }
  | { state: 'restarting'; attempt: number }
  | { state: 'unavailable'; reason: string; code: string }
  | { state: 'stopped' }

interface Pending {
  resolve: (v: WorkerResult) => void
  reject: (e: DetectorError) => void
  timer: NodeJS.Timeout
}

export class WorkerHost {
  private worker: DetectorChild | null = null
  private initCrashes = 0
  private lastExit = ''
  private memoryTimer: NodeJS.Timeout | null = null
  private seq = 0
  private readonly pending = new Map<number, Pending>()
  private restarts = 0
  private restartTimer: NodeJS.Timeout | null = null
  private ready: Promise<InitResult> | null = null
  private current: HostState = { state: 'starting' }
  private readonly listeners = new Set<(s: HostState) => void>()
  private readonly opts: Required<WorkerHostOptions>

  constructor(opts: WorkerHostOptions) {
    this.opts = {
      intraOpNumThreads: 1,
      requestTimeoutMs: 10_000,
      backoff: { initialMs: 250, maxMs: 10_000 },
      spawn: forkDetector(),
      memoryLimitBytes: DEFAULT_MEMORY_LIMIT_BYTES,
      memoryCheckMs: 250,
      ...opts,
    }
  }

  get state(): HostState {
    return this.current
  }

  onState(listener: (s: HostState) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Starts the worker and loads the model; resolves with the model info or rejects 'unavailable'. */
  start(): Promise<InitResult> {
    if (this.current.state === 'stopped') this.current = { state: 'starting' }
    this.ready ??= this.spawn()
    return this.ready
  }

  async analyse(frame: {
    width: number
    height: number
    data: ArrayBuffer
  }): Promise<FrameAnalysis> {
    if (frame.data.byteLength !== frame.width * frame.height * 4) {
      throw new DetectorError('frame size does not match width × height × 4', 'bad_frame')
    }
    await this.whenReady()
    return (await this.request({
      type: 'analyse',
      width: frame.width,
      height: frame.height,
      data: frame.data,
    })) as FrameAnalysis
  }

  /** Test and diagnostics hook: blocks the worker thread for `ms` (answer expected in `timeoutMs`). */
  async hang(ms: number, timeoutMs = this.opts.requestTimeoutMs): Promise<void> {
    await this.whenReady()
    await this.request({ type: 'hang', ms }, timeoutMs)
  }

  /** Kills the detector process as a crash would (the host restarts it). */
  async kill(): Promise<void> {
    const w = this.worker
    if (!w) return
    const exited = new Promise<void>((resolve) => w.onExit(() => resolve()))
    w.kill()
    await exited
  }

  async stop(): Promise<void> {
    this.setState({ state: 'stopped' })
    if (this.restartTimer) clearTimeout(this.restartTimer)
    this.restartTimer = null
    const w = this.worker
    this.worker = null
    this.ready = null
    this.stopMemoryWatch()
    this.rejectAll('stopped', 'detector stopped')
    w?.kill()
  }

  private async whenReady(): Promise<void> {
    const s = this.current
    if (s.state === 'unavailable') throw new DetectorError(s.reason, 'unavailable')
    if (s.state === 'stopped') throw new DetectorError('detector stopped', 'stopped')
    await this.start()
  }

  private setState(s: HostState): void {
    this.current = s
    for (const l of this.listeners) l(s)
  }

  private spawn(): Promise<InitResult> {
    const worker = this.opts.spawn()
    this.worker = worker
    worker.onMessage((msg: ResponseEnvelope) => this.onMessage(msg))
    worker.onExit((how) => {
      this.lastExit = how
      this.onExit(worker)
    })
    this.watchMemory(worker)
    // Loading a model (and its first, cold run) may take longer than a frame.
    const init = this.request(
      {
        type: 'init',
        modelDir: this.opts.modelDir,
        intraOpNumThreads: this.opts.intraOpNumThreads,
      },
      Math.max(30_000, this.opts.requestTimeoutMs),
    ) as Promise<InitResult>
    return init.then(
      (r) => {
        this.restarts = 0
        this.initCrashes = 0
        this.setState({ state: 'ready', init: r })
        return r
      },
      async (e: DetectorError) => {
        const crashed = e.code === 'worker_crashed' || e.code === 'timeout'
        if (crashed && ++this.initCrashes < MAX_INIT_CRASHES) {
          // onExit has already scheduled the restart: whoever waits for start() waits for it.
          if (this.current.state === 'restarting' && this.ready) return this.ready
          throw e
        }
        // A model that cannot load will not load on retry either: stay unavailable.
        const reason = crashed
          ? `the model stopped the detector every time it loaded (${this.lastExit || e.message})`
          : e.message
        const code = crashed ? 'model_crashed' : e.code
        this.setState({ state: 'unavailable', reason, code })
        this.worker = null
        this.stopMemoryWatch()
        worker.kill()
        throw new DetectorError(reason, 'unavailable')
      },
    )
  }

  /** Kills the process when its resident memory passes the limit (a runaway model). */
  private watchMemory(worker: DetectorChild): void {
    this.stopMemoryWatch()
    this.memoryTimer = setInterval(() => {
      const rss = worker.rssBytes()
      if (rss === null || rss <= this.opts.memoryLimitBytes || worker !== this.worker) return
      this.lastExit = `memory ${Math.round(rss / 2 ** 20)} MB over the ${Math.round(this.opts.memoryLimitBytes / 2 ** 20)} MB limit`
      worker.kill()
    }, this.opts.memoryCheckMs)
    this.memoryTimer.unref()
  }

  private stopMemoryWatch(): void {
    if (this.memoryTimer) clearInterval(this.memoryTimer)
    this.memoryTimer = null
  }

  private request(
    req: WorkerRequest,
    timeoutMs = this.opts.requestTimeoutMs,
  ): Promise<WorkerResult> {
    const worker = this.worker
    if (!worker) return Promise.reject(new DetectorError('no detector worker', 'unavailable'))
    const seq = ++this.seq
    return new Promise<WorkerResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq)
        reject(new DetectorError(`detector did not answer in ${timeoutMs} ms`, 'timeout'))
        // Hung: a crash from now on, not from when 'exit' arrives, so no request sent meanwhile
        // goes to the dying process (the later 'exit' is then ignored as a replaced one's).
        // Killing a process is safe wherever its thread is, native code included.
        this.lastExit = `no answer in ${timeoutMs} ms`
        this.onExit(worker)
        worker.kill()
      }, timeoutMs)
      this.pending.set(seq, { resolve, reject, timer })
      const env: RequestEnvelope = { seq, request: req }
      worker.send(env)
    })
  }

  private onMessage(msg: ResponseEnvelope): void {
    const p = this.pending.get(msg.seq)
    if (!p) return
    this.pending.delete(msg.seq)
    clearTimeout(p.timer)
    if (msg.response.ok) p.resolve(msg.response.value)
    else p.reject(toDetectorError(msg.response.error))
  }

  private onExit(worker: DetectorChild): void {
    if (worker !== this.worker) return // replaced or deliberately stopped
    this.worker = null
    this.stopMemoryWatch()
    this.rejectAll('worker_crashed', `detector process stopped unexpectedly (${this.lastExit})`)
    if (this.current.state === 'stopped' || this.current.state === 'unavailable') return
    const attempt = this.restarts++
    const delay = Math.min(this.opts.backoff.maxMs, this.opts.backoff.initialMs * 2 ** attempt)
    this.setState({ state: 'restarting', attempt: attempt + 1 })
    let release!: (r: InitResult) => void
    let fail!: (e: unknown) => void
    this.ready = new Promise<InitResult>((res, rej) => {
      release = res
      fail = rej
    })
    this.ready.catch(() => undefined) // observed by whoever awaits it
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null
      this.spawn().then(release, fail)
    }, delay)
  }

  private rejectAll(code: DetectorErrorCode, message: string): void {
    for (const [seq, p] of this.pending) {
      clearTimeout(p.timer)
      p.reject(new DetectorError(message, code))
      this.pending.delete(seq)
    }
  }
}

function toDetectorError(e: SerializedError): DetectorError {
  const err = new DetectorError(e.message, e.code)
  err.name = e.name
  return err
}
