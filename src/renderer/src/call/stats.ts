export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown'

export interface QualitySample {
  at: number
  /** Round-trip time of the selected candidate pair. */
  rttMs: number | null
  /** Inbound packet loss since the previous sample, in percent. */
  lossPct: number | null
  /** Inbound bitrate (audio + video) since the previous sample. */
  bitrateKbps: number | null
  width: number | null
  height: number | null
  fps: number | null
  level: QualityLevel
}

/** Cumulative counters kept between samples to turn totals into rates. */
export interface StatsCounters {
  at: number
  bytesReceived: number
  packetsReceived: number
  packetsLost: number
}

type Stat = Record<string, unknown> & { type: string; id: string }

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/** Best to worst: a sample is as good as its worst part. */
const QUALITY_ORDER: readonly QualityLevel[] = ['good', 'fair', 'poor']

/**
 * Received video frame rate (fps) at or above which motion looks smooth (good) and still usable
 * (fair); below the second it is a slide show, whatever the network says.
 */
export const FPS_GOOD = 15
export const FPS_FAIR = 8

/**
 * good / fair / poor from round-trip time and loss (ITU-T G.114-ish thresholds) and, when video
 * is received, its frame rate: a call at 3 fps is not "good" on a fast network.
 */
export function classifyQuality(
  rttMs: number | null,
  lossPct: number | null,
  fps: number | null = null,
): QualityLevel {
  if (rttMs === null && lossPct === null) return 'unknown'
  const rtt = rttMs ?? 0
  const loss = lossPct ?? 0
  const network: QualityLevel =
    rtt <= 150 && loss < 2 ? 'good' : rtt <= 400 && loss < 8 ? 'fair' : 'poor'
  if (fps === null) return network
  const video: QualityLevel = fps >= FPS_GOOD ? 'good' : fps >= FPS_FAIR ? 'fair' : 'poor'
  return QUALITY_ORDER.indexOf(video) > QUALITY_ORDER.indexOf(network) ? video : network
}

/** Reads one `getStats()` report into a sample; pure, so it is unit-tested with plain objects. */
export function summariseStats(
  report: Iterable<Stat>,
  previous: StatsCounters | null,
  now: number,
): { sample: QualitySample; counters: StatsCounters } {
  const stats = [...report]
  const byId = new Map(stats.map((s) => [s.id, s]))
  let rttMs: number | null = null
  const transport = stats.find((s) => s.type === 'transport')
  const pairId = transport ? transport.selectedCandidatePairId : undefined
  const pair =
    (typeof pairId === 'string' ? byId.get(pairId) : undefined) ??
    stats.find(
      (s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded',
    )
  const rtt = num(pair?.currentRoundTripTime)
  if (rtt !== null) rttMs = Math.round(rtt * 1000)

  let bytesReceived = 0
  let packetsReceived = 0
  let packetsLost = 0
  let width: number | null = null
  let height: number | null = null
  let fps: number | null = null
  for (const s of stats) {
    if (s.type !== 'inbound-rtp') continue
    bytesReceived += num(s.bytesReceived) ?? 0
    packetsReceived += num(s.packetsReceived) ?? 0
    packetsLost += Math.max(0, num(s.packetsLost) ?? 0)
    if (s.kind === 'video') {
      width = num(s.frameWidth)
      height = num(s.frameHeight)
      fps = num(s.framesPerSecond)
    }
  }
  const counters = { at: now, bytesReceived, packetsReceived, packetsLost }
  let bitrateKbps: number | null = null
  let lossPct: number | null = null
  if (previous && now > previous.at) {
    const seconds = (now - previous.at) / 1000
    bitrateKbps = Math.max(
      0,
      Math.round(((bytesReceived - previous.bytesReceived) * 8) / seconds / 1000),
    )
    const received = packetsReceived - previous.packetsReceived
    const lost = packetsLost - previous.packetsLost
    if (received + lost > 0)
      lossPct = Math.round((Math.max(0, lost) / (received + lost)) * 1000) / 10
  }
  return {
    sample: {
      at: now,
      rttMs,
      lossPct,
      bitrateKbps,
      width,
      height,
      fps,
      level: classifyQuality(rttMs, lossPct, fps),
    },
    counters,
  }
}
