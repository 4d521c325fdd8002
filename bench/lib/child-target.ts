import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Config } from 'veracall-signaling'
import type {
  CpuSample,
  MemorySample,
  ParentMessage,
  TargetMessage,
  TargetSpec,
} from './target-protocol.js'

const TARGET = fileURLToPath(new URL('./target.ts', import.meta.url))
const START_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 15_000

export interface ChildTarget {
  url: string
  wsUrl: string
  pid: number
  config: Config | undefined
  memory(gc?: boolean): Promise<MemorySample>
  /** The child's CPU time so far (its own process.cpuUsage), microseconds. */
  cpu(): Promise<CpuSample>
  stop(): Promise<void>
}

/**
 * Starts a target in its own process. `cpuProfDir` adds `--cpu-prof` (the profile is written when
 * the child exits after `stop()`).
 */
export async function startChildTarget(
  spec: TargetSpec,
  cpuProfDir?: string,
): Promise<ChildTarget> {
  const execArgv = ['--import', 'tsx', '--conditions=source', '--expose-gc']
  if (cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`)
  const child: ChildProcess = fork(TARGET, [JSON.stringify(spec)], {
    execArgv,
    // Server logs are not part of the measurement; errors still reach the terminal.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  const ready = await new Promise<Extract<TargetMessage, { type: 'ready' }>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${spec.kind} did not start`)),
      START_TIMEOUT_MS,
    )
    child.once('exit', (code) => reject(new Error(`${spec.kind} exited early (${code})`)))
    child.on('message', (message: TargetMessage) => {
      if (message.type !== 'ready') return
      clearTimeout(timer)
      resolve(message)
    })
  })
  let nextId = 0
  const ask = <K extends 'memory' | 'cpu'>(
    request: { type: K } & Omit<Extract<ParentMessage, { type: K }>, 'type' | 'id'>,
  ): Promise<Extract<TargetMessage, { type: K }>> =>
    new Promise((resolve) => {
      const id = ++nextId
      const onMessage = (message: TargetMessage): void => {
        if (message.type !== request.type || !('id' in message) || message.id !== id) return
        child.off('message', onMessage)
        resolve(message as Extract<TargetMessage, { type: K }>)
      }
      child.on('message', onMessage)
      child.send({ ...request, id } as ParentMessage)
    })
  const memory = (gc = true): Promise<MemorySample> => ask({ type: 'memory', gc })
  const cpu = (): Promise<CpuSample> => ask({ type: 'cpu' })
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.send({ type: 'stop' } satisfies ParentMessage)
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
    await exited
    clearTimeout(timer)
  }
  return {
    url: ready.url,
    wsUrl: ready.url.replace(/^http/, 'ws'),
    pid: child.pid ?? 0,
    config: ready.config,
    memory,
    cpu,
    stop,
  }
}
