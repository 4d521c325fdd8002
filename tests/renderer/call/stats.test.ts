import { describe, expect, it } from 'vitest'
import { classifyQuality, summariseStats } from '../../../src/renderer/src/call/stats.js'

describe('call quality from getStats()', () => {
  const report = (bytes: number, received: number, lost: number, rtt: number) => [
    { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
    { id: 'P', type: 'candidate-pair', currentRoundTripTime: rtt },
    {
      id: 'A',
      type: 'inbound-rtp',
      kind: 'audio',
      bytesReceived: bytes / 4,
      packetsReceived: received / 2,
      packetsLost: lost / 2,
    },
    {
      id: 'V',
      type: 'inbound-rtp',
      kind: 'video',
      bytesReceived: (bytes * 3) / 4,
      packetsReceived: received / 2,
      packetsLost: lost / 2,
      frameWidth: 640,
      frameHeight: 360,
      framesPerSecond: 29.7,
    },
  ]

  it('turns counters into rates between two samples', () => {
    const first = summariseStats(report(100_000, 1000, 0, 0.02), null, 1000)
    expect(first.sample).toMatchObject({
      rttMs: 20,
      bitrateKbps: null,
      lossPct: null,
      width: 640,
      height: 360,
      level: 'good',
    })
    const second = summariseStats(report(350_000, 1950, 50, 0.02), first.counters, 3000)
    // 250 kB in 2 s = 1000 kbit/s; 50 lost of 1000 → 5 %.
    expect(second.sample).toMatchObject({ bitrateKbps: 1000, lossPct: 5, level: 'fair' })
  })

  it('classifies good / fair / poor', () => {
    expect(classifyQuality(null, null)).toBe('unknown')
    expect(classifyQuality(40, 0)).toBe('good')
    expect(classifyQuality(250, 1)).toBe('fair')
    expect(classifyQuality(40, 12)).toBe('poor')
    expect(classifyQuality(900, 0)).toBe('poor')
  })

  it('never calls video at a few frames per second good, however fast the network', () => {
    expect(classifyQuality(40, 0, 30)).toBe('good')
    expect(classifyQuality(40, 0, 15)).toBe('good')
    expect(classifyQuality(40, 0, 10)).toBe('fair')
    expect(classifyQuality(40, 0, 3)).toBe('poor')
    expect(classifyQuality(250, 1, 30)).toBe('fair') // the worse of network and video
    expect(classifyQuality(40, 0, null)).toBe('good') // no video (audio call, camera off)
    expect(classifyQuality(null, null, 3)).toBe('unknown')
  })
})
