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
  /**
   * By `reportKey`: a face's report under "callId:peerId"; a report filed before group calls (one
   * per call, no peer) or a call's verification alone under the call id.
   */
  reports: Record<string, SecurityReport>
  /** Files a face's report (`peer` set) or a call's (no peer); the call's verification carries over. */
  addReport: (report: SecurityReport) => void
  /**
   * The verification-code choice of a call: kept in each of its reports, or in one created (with
   * no face check in it) when the call has none, e.g. an audio call or the detector off.
   */
  recordVerification: (callId: number, verification: VerificationRecord) => void
  clearReports: () => void
}

/** Where a report is filed: the call id alone for a call-wide one, else the call and the person. */
export function reportKey(callId: number, peerId?: string): string {
  return peerId === undefined ? String(callId) : `${callId}:${peerId}`
}

/** A call's reports: the call-wide one (if any) first, then each face's in the order they began. */
export function callReports(
  reports: Record<string, SecurityReport>,
  callId: number,
): SecurityReport[] {
  return Object.values(reports)
    .filter((r) => r.callId === callId)
    .sort(
      (a, b) =>
        Number(a.peer !== undefined) - Number(b.peer !== undefined) || a.startedAt - b.startedAt,
    )
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

/** Keeps the reports of the MAX_REPORTS calls that ended last (a group call's faces count once). */
function keepNewest(reports: Record<string, SecurityReport>): Record<string, SecurityReport> {
  const ended = new Map<number, number>()
  for (const r of Object.values(reports))
    ended.set(r.callId, Math.max(ended.get(r.callId) ?? -Infinity, r.endedAt))
  const kept = new Set(
    [...ended]
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_REPORTS)
      .map(([callId]) => callId),
  )
  return Object.fromEntries(Object.entries(reports).filter(([, r]) => kept.has(r.callId)))
}

export const createReportsSlice: StateCreator<AppState, [], [], ReportsSlice> = (set) => ({
  reports: {},
  addReport: (report) =>
    set((s) => {
      const key = reportKey(report.callId, report.peer?.id)
      const kept: SecurityReport = { ...report, timeline: thinTimeline(report.timeline) }
      // The detector's report comes after the choice was made: the call's choice stays with it.
      const verification =
        report.verification ??
        s.reports[key]?.verification ??
        callReports(s.reports, report.callId).find((r) => r.verification)?.verification
      if (verification) kept.verification = verification
      // A face's report now holds the call's choice: the call-wide entry that only kept it goes.
      const callWide = s.reports[reportKey(report.callId)]
      const drop =
        report.peer && callWide && !hasFaceCheck(callWide) ? reportKey(report.callId) : null
      const reports = Object.fromEntries(Object.entries(s.reports).filter(([k]) => k !== drop))
      return { reports: keepNewest({ ...reports, [key]: kept }) }
    }),
  recordVerification: (callId, verification) =>
    set((s) => {
      const filed = Object.entries(s.reports).filter(([, r]) => r.callId === callId)
      const updated =
        filed.length > 0
          ? Object.fromEntries(filed.map(([key, r]) => [key, { ...r, verification }]))
          : { [reportKey(callId)]: { ...emptyReport(callId, verification.at), verification } }
      return { reports: keepNewest({ ...s.reports, ...updated }) }
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

/** Keeps only entries that are well-formed reports filed under their own key (`reportKey`). */
export function sanitiseReports(raw: unknown): Record<string, SecurityReport> {
  const out: Record<string, SecurityReport> = {}
  if (typeof raw !== 'object' || raw === null) return out
  for (const [key, value] of Object.entries(raw)) {
    if (Value.Check(SecurityReportSchema, value) && reportKey(value.callId, value.peer?.id) === key)
      out[key] = value
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
