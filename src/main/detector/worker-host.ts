/**
 * Runs the detector engine in a worker thread and keeps it alive: requests travel in
 * {seq, request} envelopes with frames transferred (not copied); a crashed or hung worker is
 * terminated, its pending requests rejected with a code, and a new one started with backoff.
 * A model that fails to load leaves the host "unavailable" (with a reason), never crashing.
 */
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
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
  /** Override the worker entry (e.g. a bundled utility file in the packaged app). */
  workerUrl?: URL
}

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

/**
 * Built bundles ship worker.js beside this file. In development and tests the worker is
 * TypeScript: it starts from a tiny ESM module that registers tsx's loader first (worker threads
 * do not inherit the parent's loader hooks).
 */
function defaultWorker(): URL {
  if (!import.meta.url.endsWith('.ts')) return new URL('./worker.js', import.meta.url)
  const require = createRequire(import.meta.url)
  const api = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href
  const target = new URL('./worker.ts', import.meta.url).href
  const code = `import { register } from ${JSON.stringify(api)}\nregister()\nawait import(${JSON.stringify(target)})`
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`)
}

export class WorkerHost {
  private worker: Worker | null = null
  private seq = 0
  private readonly pending = new Map<number, Pending>()
  private restarts = 0
  private restartTimer: NodeJS.Timeout | null = null
  private ready: Promise<InitResult> | null = null
  private current: HostState = { state: 'starting' }
  private readonly listeners = new Set<(s: HostState) => void>()
  private readonly opts: Required<Omit<WorkerHostOptions, 'workerUrl'>> & { workerUrl?: URL }

  constructor(opts: WorkerHostOptions) {
    this.opts = {
      intraOpNumThreads: 1,
      requestTimeoutMs: 10_000,
      backoff: { initialMs: 250, maxMs: 10_000 },
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
    return (await this.request(
      { type: 'analyse', width: frame.width, height: frame.height, data: frame.data },
      [frame.data],
    )) as FrameAnalysis
  }

  /** Test and diagnostics hook: blocks the worker thread for `ms` (answer expected in `timeoutMs`). */
  async hang(ms: number, timeoutMs = this.opts.requestTimeoutMs): Promise<void> {
    await this.whenReady()
    await this.request({ type: 'hang', ms }, [], timeoutMs)
  }

  /** Terminates the worker as a crash would (the host restarts it). */
  async kill(): Promise<void> {
    await this.worker?.terminate()
  }

  async stop(): Promise<void> {
    this.setState({ state: 'stopped' })
    if (this.restartTimer) clearTimeout(this.restartTimer)
    this.restartTimer = null
    const w = this.worker
    this.worker = null
    this.ready = null
    this.rejectAll('stopped', 'detector stopped')
    await w?.terminate()
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
    const worker = new Worker(this.opts.workerUrl ?? defaultWorker())
    this.worker = worker
    worker.on('message', (msg: ResponseEnvelope) => this.onMessage(msg))
    worker.on('error', () => {
      // 'exit' follows an uncaught error; handled there.
    })
    worker.on('exit', () => this.onExit(worker))
    // Loading a model (and its first, cold run) may take longer than a frame.
    const init = this.request(
      {
        type: 'init',
        modelDir: this.opts.modelDir,
        intraOpNumThreads: this.opts.intraOpNumThreads,
      },
      [],
      Math.max(30_000, this.opts.requestTimeoutMs),
    ) as Promise<InitResult>
    return init.then(
      (r) => {
        this.restarts = 0
        this.setState({ state: 'ready', init: r })
        return r
      },
      async (e: DetectorError) => {
        if (e.code === 'worker_crashed' || e.code === 'timeout') throw e // onExit restarts
        // A model that cannot load will not load on retry either: stay unavailable.
        this.setState({ state: 'unavailable', reason: e.message, code: e.code })
        this.worker = null
        await worker.terminate()
        throw new DetectorError(e.message, 'unavailable')
      },
    )
  }

  private request(
    req: WorkerRequest,
    transfer: ArrayBuffer[] = [],
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
        // goes to the dying worker (the later 'exit' is then ignored as a replaced worker's).
        this.onExit(worker)
        void worker.terminate()
      }, timeoutMs)
      this.pending.set(seq, { resolve, reject, timer })
      const env: RequestEnvelope = { seq, request: req }
      worker.postMessage(env, transfer)
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

  private onExit(worker: Worker): void {
    if (worker !== this.worker) return // replaced or deliberately stopped
    this.worker = null
    this.rejectAll('worker_crashed', 'detector worker stopped unexpectedly')
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
