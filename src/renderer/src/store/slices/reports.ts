/**
 * Per-call security reports, kept on this device with the call and never sent anywhere: the
 * persisted slice of the app store (see store/index.ts). It holds no token or secret, only what
 * the face check concluded (levels over time, peak, model), bounded in count and size.
 */
import Value from 'typebox/value'
import type { StateCreator } from 'zustand'
import type { RiskLevel, SecurityReport, VerificationRecord } from '../../../../shared/detection.js'
import { SecurityReport as SecurityReportSchema } from '../../../../shared/ipc-contract.js'
import type { AppState } from '../types.js'

/** The storage key: unchanged from the separate store this slice replaced, so saved reports load. */
export const REPORTS_STORAGE_KEY = 'veracall.securityReports'
/** The stored shape's version (that of zustand persist, which wrote it first). */
export const REPORTS_VERSION = 1
/** The most recent calls whose reports are kept. */
export const MAX_REPORTS = 100
/** Timeline points kept per report (about one a second from the detector). */
export const MAX_TIMELINE = 600

export interface ReportsSlice {
  /** By call id, as a string (JSON object keys). */
  reports: Record<string, SecurityReport>
  addReport: (report: SecurityReport) => void
  /**
   * The verification-code choice of a call: kept in its report, which is created (with no face
   * check in it) when the call has none, e.g. an audio call or the detector off.
   */
  recordVerification: (callId: number, verification: VerificationRecord) => void
  clearReports: () => void
}

/** A report that holds no face check: what a call without one keeps its verification in. */
function emptyReport(callId: number, at: number): SecurityReport {
  return {
    callId,
    model: null,
    startedAt: at,
    endedAt: at,
    peakLevel: 'off',
    peakScore: null,
    shareByLevel: {},
    timeline: [],
  }
}

/** Whether a report holds a face check (not only a verification choice). */
export function hasFaceCheck(report: SecurityReport): boolean {
  return report.model !== null || report.timeline.length > 0
}

function keepNewest(reports: Record<string, SecurityReport>): Record<string, SecurityReport> {
  const newest = Object.values(reports)
    .sort((a, b) => b.endedAt - a.endedAt)
    .slice(0, MAX_REPORTS)
  return Object.fromEntries(newest.map((r) => [String(r.callId), r]))
}

export const createReportsSlice: StateCreator<AppState, [], [], ReportsSlice> = (set) => ({
  reports: {},
  addReport: (report) =>
    set((s) => {
      const kept: SecurityReport = { ...report, timeline: thinTimeline(report.timeline) }
      // The detector's report comes after the choice was made: the choice stays.
      const verification = report.verification ?? s.reports[String(report.callId)]?.verification
      if (verification) kept.verification = verification
      return { reports: keepNewest({ ...s.reports, [String(report.callId)]: kept }) }
    }),
  recordVerification: (callId, verification) =>
    set((s) => {
      const report = s.reports[String(callId)] ?? emptyReport(callId, verification.at)
      return {
        reports: keepNewest({ ...s.reports, [String(callId)]: { ...report, verification } }),
      }
    }),
  clearReports: () => set({ reports: {} }),
})

/** Thins a long timeline to at most `max` points, keeping every level change and the last point. */
export function thinTimeline(
  timeline: SecurityReport['timeline'],
  max = MAX_TIMELINE,
): SecurityReport['timeline'] {
  if (timeline.length <= max) return timeline
  const changes = timeline.filter((p, i) => i === 0 || p.level !== timeline[i - 1]?.level)
  const step = Math.ceil(timeline.length / Math.max(1, max - changes.length))
  const keep = new Set(changes)
  timeline.forEach((p, i) => {
    if (i % step === 0 || i === timeline.length - 1) keep.add(p)
  })
  const thinned = timeline.filter((p) => keep.has(p))
  // Very many level changes: fall back to a plain stride.
  return thinned.length <= max
    ? thinned
    : thinned.filter((_, i) => i % Math.ceil(thinned.length / max) === 0)
}

/** Keeps only entries that are well-formed reports filed under their own call id. */
export function sanitiseReports(raw: unknown): Record<string, SecurityReport> {
  const out: Record<string, SecurityReport> = {}
  if (typeof raw !== 'object' || raw === null) return out
  for (const [key, value] of Object.entries(raw)) {
    if (Value.Check(SecurityReportSchema, value) && String(value.callId) === key) out[key] = value
  }
  return out
}

/** Display order of the levels in a report: the risk levels first, then the no-data states. */
const SHARE_ORDER: RiskLevel[] = [
  'low',
  'elevated',
  'high',
  'analysing',
  'no_face',
  'insufficient_quality',
  'unavailable',
  'off',
]

/** The levels the call spent time at, with whole percentages, in display order. */
export function reportShares(report: SecurityReport): { level: RiskLevel; percent: number }[] {
  return SHARE_ORDER.flatMap((level) => {
    const share = report.shareByLevel[level] ?? 0
    return share > 0 ? [{ level, percent: Math.round(share * 100) }] : []
  })
}
