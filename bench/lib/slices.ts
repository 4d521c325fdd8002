import type { ChildTarget } from './child-target.js'

/** One measured slice of one target: its work and the server CPU that work cost. */
export interface Slice {
  /** Completed operations (2xx answers, relayed messages) in the slice. */
  ops: number
  seconds: number
  /** Server CPU time (user + system) spent during the slice, microseconds. */
  cpuUs: number
  /** Failed operations (non-2xx, errors, dropped sockets): 0 for a fair figure. */
  failures: number
}

export interface SliceTarget {
  name: string
  server: Pick<ChildTarget, 'cpu'>
  /** Untimed set-up before each slice (outside its CPU window). */
  prepare?: () => Promise<void>
  /** Runs the load for about `seconds` and reports what completed. */
  run(seconds: number): Promise<Omit<Slice, 'cpuUs'>>
}

export interface Spread {
  median: number
  min: number
  max: number
}

export interface TargetFigures {
  name: string
  /** Operations per second, per slice. */
  rate: Spread
  /** Server CPU microseconds per operation, per slice. */
  cpuUsPerOp: Spread
  /** Share of one core the server used while loaded (1 = one core busy). */
  cpuCores: Spread
  failures: number
  slices: Slice[]
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b)
  const n = sorted.length
  if (n === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN }
  const median =
    n % 2 === 1
      ? (sorted[(n - 1) / 2] as number)
      : ((sorted[n / 2 - 1] as number) + (sorted[n / 2] as number)) / 2
  return { median, min: sorted[0] as number, max: sorted[n - 1] as number }
}

async function cpuUs(server: SliceTarget['server']): Promise<number> {
  const { user, system } = await server.cpu()
  return user + system
}

/**
 * Runs the targets in turn, `rounds` times, each for `sliceS` seconds: A B C, B C A, C A B, …
 * (rotated so no target always follows the same neighbour). Interleaving short slices within one
 * run means a change in the machine's load hits every target alike instead of one of them; ratios
 * are taken per round, between slices seconds apart, and summarised by their median and range.
 */
export async function alternate(
  targets: SliceTarget[],
  { rounds, sliceS }: { rounds: number; sliceS: number },
): Promise<TargetFigures[]> {
  const slices = targets.map((): Slice[] => [])
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < targets.length; k++) {
      const i = (k + round) % targets.length
      const target = targets[i] as SliceTarget
      await target.prepare?.()
      const before = await cpuUs(target.server)
      const done = await target.run(sliceS)
      const after = await cpuUs(target.server)
      ;(slices[i] as Slice[]).push({ ...done, cpuUs: after - before })
    }
  }
  return targets.map((target, i) => {
    const own = slices[i] as Slice[]
    return {
      name: target.name,
      rate: spread(own.map((s) => s.ops / s.seconds)),
      cpuUsPerOp: spread(own.map((s) => s.cpuUs / Math.max(1, s.ops))),
      cpuCores: spread(own.map((s) => s.cpuUs / 1e6 / s.seconds)),
      failures: own.reduce((sum, s) => sum + s.failures, 0),
      slices: own,
    }
  })
}

/** The per-round ratio a/b of two targets' rates (slices of the same round), median and range. */
export function rateRatio(a: TargetFigures, b: TargetFigures): Spread {
  return spread(
    a.slices.map((s, r) => {
      const other = b.slices[r] as Slice
      return s.ops / s.seconds / (other.ops / other.seconds)
    }),
  )
}

/** The per-round ratio a/b of server CPU per operation. */
export function cpuRatio(a: TargetFigures, b: TargetFigures): Spread {
  return spread(
    a.slices.map((s, r) => {
      const other = b.slices[r] as Slice
      return s.cpuUs / Math.max(1, s.ops) / (other.cpuUs / Math.max(1, other.ops))
    }),
  )
}
