import { describe, expect, it } from 'vitest'
import { alternate, cpuRatio, rateRatio, spread, type SliceTarget } from '../../bench/lib/slices.js'

/** A target whose work and CPU are scripted per slice, so the arithmetic is checked exactly. */
function scripted(name: string, slices: { ops: number; cpuUs: number }[], order: string[]) {
  let cpu = 0
  let i = 0
  const target: SliceTarget = {
    name,
    server: { cpu: async () => ({ user: cpu, system: 0 }) },
    run: async (seconds) => {
      order.push(name)
      const slice = slices[i++] ?? { ops: 0, cpuUs: 0 }
      cpu += slice.cpuUs
      return { ops: slice.ops, seconds, failures: 0 }
    },
  }
  return target
}

describe('bench slices (item 16)', () => {
  it('alternates the targets within each round, rotating who goes first', async () => {
    const order: string[] = []
    const a = scripted('a', [], order)
    const b = scripted('b', [], order)
    const c = scripted('c', [], order)
    await alternate([a, b, c], { rounds: 3, sliceS: 1 })
    expect(order).toEqual(['a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b'])
  })

  it('reports rate and server CPU per operation per slice, as median and range', async () => {
    const order: string[] = []
    const fast = scripted(
      'fast',
      [
        { ops: 2000, cpuUs: 20_000 },
        { ops: 1000, cpuUs: 10_000 },
        { ops: 3000, cpuUs: 60_000 },
      ],
      order,
    )
    const slow = scripted(
      'slow',
      [
        { ops: 1000, cpuUs: 40_000 },
        { ops: 1000, cpuUs: 40_000 },
        { ops: 1000, cpuUs: 40_000 },
      ],
      order,
    )
    const [f, s] = await alternate([fast, slow], { rounds: 3, sliceS: 2 })
    if (!f || !s) throw new Error('no figures')
    expect(f.rate).toEqual({ median: 1000, min: 500, max: 1500 })
    expect(f.cpuUsPerOp).toEqual({ median: 10, min: 10, max: 20 })
    expect(s.cpuUsPerOp).toEqual({ median: 40, min: 40, max: 40 })
    // Ratios pair the slices of the same round (seconds apart), then take the median.
    expect(rateRatio(f, s)).toEqual({ median: 2, min: 1, max: 3 })
    expect(cpuRatio(f, s)).toEqual({ median: 0.25, min: 0.25, max: 0.5 })
  })

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(spread([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 })
    expect(spread([])).toMatchObject({ median: Number.NaN })
  })
})
