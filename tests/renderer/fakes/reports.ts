import type { SecurityReport } from '../../../src/shared/detection.js'

export const MODEL = { name: 'veracall-mnv2-sbi', version: '1.1.0' }

/** A finished face check's report: Low throughout, one timeline point. */
export const faceReport = (
  callId: number,
  extra: Partial<SecurityReport> = {},
): SecurityReport => ({
  callId,
  model: MODEL,
  startedAt: 0,
  endedAt: 1000,
  peakLevel: 'low',
  peakScore: 0.2,
  shareByLevel: { low: 1 },
  timeline: [{ t: 0, level: 'low', score: 0.2 }],
  ...extra,
})
