import type { Config } from 'veracall-signaling'

/** What a target child runs. */
export type TargetSpec =
  | {
      kind: 'veracall'
      /** The server's environment, as the config table names it (printed by the bench). */
      env: Record<string, string>
    }
  | { kind: 'bare-ws' }
  | { kind: 'bare-fastify' }

export interface MemorySample {
  rss: number
  heapUsed: number
  external: number
  arrayBuffers: number
}

export type ParentMessage =
  { type: 'memory'; id: number; gc: boolean } | { type: 'cpu'; id: number } | { type: 'stop' }

/** The target's own CPU time so far (process.cpuUsage), microseconds. */
export interface CpuSample {
  user: number
  system: number
}

export type TargetMessage =
  | { type: 'ready'; url: string; config?: Config }
  | ({ type: 'memory'; id: number } & MemorySample)
  | ({ type: 'cpu'; id: number } & CpuSample)
