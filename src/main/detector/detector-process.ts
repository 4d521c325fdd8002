/**
 * The detector runs in its own OS process, never a thread of the app: onnxruntime is native code
 * loading a user-chosen model, and a thread cannot be stopped safely while it is inside native
 * code (terminating it aborted the whole app). A process can be killed at any moment, so a hung,
 * crashing or memory-hungry model costs a restart of the detector and nothing else.
 *
 * `DetectorChild` is what the host needs of that process; `forkDetector` makes one with Node's
 * child_process (web bridge, tests, benchmarks), the Electron glue makes one with utilityProcess.
 */
import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { RequestEnvelope, ResponseEnvelope } from './worker-protocol.js'

export interface DetectorChild {
  send(envelope: RequestEnvelope): void
  onMessage(listener: (envelope: ResponseEnvelope) => void): void
  /** Fires once, however the process ended (exit code, or the signal that killed it). */
  onExit(listener: (how: string) => void): void
  /** Ends the process at once (SIGKILL where there are signals). */
  kill(): void
  /** Resident memory of the process in bytes, or null where it cannot be read. */
  rssBytes(): number | null
}

export type SpawnDetector = () => DetectorChild

/** V8 heap cap of the detector process; native (onnxruntime) memory is watched by the host. */
const HEAP_LIMIT_MB = 512

/** Resident set size of a process from /proc (Linux); null elsewhere or once it is gone. */
export function procRss(pid: number | undefined): number | null {
  if (pid === undefined || process.platform !== 'linux') return null
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1])
    return Number.isFinite(pages) ? pages * 4096 : null
  } catch {
    return null
  }
}

/**
 * Built bundles ship the entry as JavaScript beside this file; in development and tests it is
 * TypeScript, run through tsx's loader.
 */
function defaultEntry(): { file: string; execArgv: string[] } {
  if (!import.meta.url.endsWith('.ts'))
    return { file: fileURLToPath(new URL('./worker.js', import.meta.url)), execArgv: [] }
  const require = createRequire(import.meta.url)
  return {
    file: fileURLToPath(new URL('./worker.ts', import.meta.url)),
    execArgv: [
      '--import',
      pathToFileURL(require.resolve('tsx/esm').replace(/\.cjs$/, '.mjs')).href,
    ],
  }
}

/** A detector process started with child_process.fork (structured-clone IPC). */
export function forkDetector(entry?: string): SpawnDetector {
  return () => {
    const { file, execArgv } = entry ? { file: entry, execArgv: [] } : defaultEntry()
    const child = fork(file, [], {
      serialization: 'advanced', // ArrayBuffers cross as bytes, not JSON
      execArgv: [...execArgv, `--max-old-space-size=${HEAP_LIMIT_MB}`],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, VERACALL_DETECTOR_CHILD: '1' },
    })
    let exited = false
    return {
      send: (envelope) => {
        if (!exited && child.connected) child.send(envelope)
      },
      onMessage: (listener) => child.on('message', (m) => listener(m as ResponseEnvelope)),
      onExit: (listener) => {
        child.once('exit', (code, signal) => {
          exited = true
          listener(signal ?? `exit code ${String(code)}`)
        })
      },
      kill: () => {
        if (!exited) child.kill('SIGKILL')
      },
      rssBytes: () => procRss(child.pid),
    }
  }
}
