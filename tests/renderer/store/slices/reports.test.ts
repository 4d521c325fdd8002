import { describe, expect, it } from 'vitest'
import type { StateStorage } from 'zustand/middleware'
import type { RiskLevel, SecurityReport } from '../../../../src/shared/detection.js'
import { createAppStore } from '../../../../src/renderer/src/store/index.js'
import {
  MAX_REPORTS,
  MAX_TIMELINE,
  REPORTS_STORAGE_KEY,
  callReports,
  reportKey,
  reportShares,
  thinTimeline,
} from '../../../../src/renderer/src/store/slices/reports.js'

/** The reports are the app store's persisted slice (they had a store of their own before). */
const createReportStore = createAppStore

function memoryStorage(initial: Record<string, string> = {}): StateStorage & {
  data: Map<string, string>
} {
  const data = new Map(Object.entries(initial))
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  }
}

function report(callId: number, endedAt = 10_000, levels: RiskLevel[] = ['analysing', 'low']) {
  const timeline = levels.map((level, i) => ({
    t: 1000 * i,
    level,
    score: level === 'analysing' ? null : 0.2 + 0.1 * i,
  }))
  const r: SecurityReport = {
    callId,
    model: { name: 'veracall-mnv2-sbi', version: '1.1.0' },
    startedAt: 0,
    endedAt,
    peakLevel: 'low',
    peakScore: 0.3,
    shareByLevel: { analysing: 0.25, low: 0.75 },
    timeline,
  }
  return r
}

describe('security report store', () => {
  it('keeps a report per call id and persists it under its key, with no token in it', () => {
    const storage = memoryStorage()
    const store = createReportStore(() => storage)
    store.getState().addReport(report(7))
    store.getState().addReport(report(8))
    expect(store.getState().reports['7']?.callId).toBe(7)
    expect(store.getState().reports['8']?.peakLevel).toBe('low')
    const saved = storage.data.get(REPORTS_STORAGE_KEY) ?? ''
    expect(JSON.parse(saved)).toMatchObject({ state: { reports: { '7': { callId: 7 } } } })
    expect(saved.toLowerCase()).not.toContain('token')
    // Only the reports persist: nothing else of the app's state (session, call, risk).
    expect(Object.keys(JSON.parse(saved).state)).toEqual(['reports'])

    // A new store over the same storage (a reload) gets the reports back.
    const reloaded = createReportStore(() => storage)
    expect(reloaded.getState().reports).toEqual(store.getState().reports)
  })

  it('replaces a call’s report when it is sent again', () => {
    const store = createReportStore(() => memoryStorage())
    store.getState().addReport(report(7))
    store.getState().addReport({ ...report(7), peakLevel: 'elevated' })
    expect(Object.keys(store.getState().reports)).toEqual(['7'])
    expect(store.getState().reports['7']?.peakLevel).toBe('elevated')
  })

  it('drops stored entries that are malformed or filed under another call id', () => {
    const good = report(3)
    const storage = memoryStorage({
      [REPORTS_STORAGE_KEY]: JSON.stringify({
        version: 1,
        state: {
          reports: {
            '3': good,
            '4': report(5),
            '6': { ...report(6), peakLevel: 'certainly-fake' },
            '9': 'junk',
          },
        },
      }),
    })
    const store = createReportStore(() => storage)
    expect(store.getState().reports).toEqual({ '3': good })
  })

  it('starts empty from unreadable storage', () => {
    const storage = memoryStorage({ [REPORTS_STORAGE_KEY]: '{not json' })
    const store = createReportStore(() => storage)
    expect(store.getState().reports).toEqual({})
    store.getState().addReport(report(1))
    expect(store.getState().reports['1']?.callId).toBe(1)
  })

  it('keeps only the most recent calls', () => {
    const store = createReportStore(() => memoryStorage())
    for (let id = 1; id <= MAX_REPORTS + 5; id++) store.getState().addReport(report(id, id * 1000))
    const ids = Object.keys(store.getState().reports).map(Number)
    expect(ids).toHaveLength(MAX_REPORTS)
    expect(Math.min(...ids)).toBe(6)
    expect(ids).toContain(MAX_REPORTS + 5)
  })

  it('thins a long timeline but keeps every level change and the last point', () => {
    const long: SecurityReport['timeline'] = Array.from({ length: 3600 }, (_, i) => ({
      t: i * 1000,
      level: i < 5 ? 'analysing' : i >= 2000 && i < 2003 ? 'elevated' : 'low',
      score: i < 5 ? null : 0.3,
    }))
    const thin = thinTimeline(long)
    expect(thin.length).toBeLessThanOrEqual(MAX_TIMELINE)
    expect(thin.length).toBeGreaterThan(MAX_TIMELINE / 2)
    for (const t of [0, 5000, 2_000_000, 2_003_000, 3_599_000])
      expect(thin.map((p) => p.t)).toContain(t)
    // Stored reports are thinned too; short timelines are kept as they are.
    const store = createReportStore(() => memoryStorage())
    store.getState().addReport({ ...report(2), timeline: long })
    expect(store.getState().reports['2']?.timeline).toEqual(thin)
    expect(thinTimeline(report(1).timeline)).toEqual(report(1).timeline)
  })

  it('lists the levels the call spent time at, risk levels first, as whole percentages', () => {
    expect(
      reportShares({
        ...report(1),
        shareByLevel: { no_face: 0.1, elevated: 0.333, analysing: 0.2, low: 0.367, high: 0 },
      }),
    ).toEqual([
      { level: 'low', percent: 37 },
      { level: 'elevated', percent: 33 },
      { level: 'analysing', percent: 20 },
      { level: 'no_face', percent: 10 },
    ])
  })
})

describe('security reports per remote face (group calls)', () => {
  const face = (callId: number, id: string, startedAt = 0, endedAt = 10_000): SecurityReport => ({
    ...report(callId, endedAt),
    startedAt,
    peer: { id, name: id.toUpperCase() },
  })
  const verification = { code: '123 456', result: 'match', at: 5 } as const

  it('loads reports saved before group calls (one per call, no peer) as they were', () => {
    // Exactly what a version without per-face reports wrote.
    const old = { ...report(3), verification }
    const storage = memoryStorage({
      [REPORTS_STORAGE_KEY]: JSON.stringify({ version: 1, state: { reports: { '3': old } } }),
    })
    const store = createReportStore(() => storage)
    expect(store.getState().reports).toEqual({ '3': old })
    expect(callReports(store.getState().reports, 3)).toEqual([old])
  })

  it('files each face under its call and person, and keeps them over a reload', () => {
    const storage = memoryStorage()
    const store = createReportStore(() => storage)
    store.getState().addReport(face(7, 'cy', 2000))
    store.getState().addReport(face(7, 'bob', 1000))
    store.getState().addReport(report(8))
    expect(Object.keys(store.getState().reports).sort()).toEqual(['7:bob', '7:cy', '8'])
    expect(reportKey(7, 'bob')).toBe('7:bob')
    // In the order the faces' checks began.
    expect(callReports(store.getState().reports, 7).map((r) => r.peer?.id)).toEqual(['bob', 'cy'])
    expect(createReportStore(() => storage).getState().reports).toEqual(store.getState().reports)
  })

  it('drops a stored face report filed under another key', () => {
    const storage = memoryStorage({
      [REPORTS_STORAGE_KEY]: JSON.stringify({
        version: 1,
        state: {
          reports: { '7': face(7, 'bob'), '7:cy': face(7, 'bob'), '7:dee': face(7, 'dee') },
        },
      }),
    })
    expect(Object.keys(createReportStore(() => storage).getState().reports)).toEqual(['7:dee'])
  })

  it('keeps the call’s verification choice with each face’s report', () => {
    const store = createReportStore(() => memoryStorage())
    // Chosen while the call ran: kept call-wide until a face's report comes.
    store.getState().recordVerification(7, verification)
    expect(Object.keys(store.getState().reports)).toEqual(['7'])
    store.getState().addReport(face(7, 'bob'))
    store.getState().addReport(face(7, 'cy'))
    const reports = store.getState().reports
    expect(Object.keys(reports).sort()).toEqual(['7:bob', '7:cy'])
    expect(reports['7:bob']?.verification).toEqual(verification)
    expect(reports['7:cy']?.verification).toEqual(verification)
    // Chosen after the reports: it goes into each.
    const later = { ...verification, result: 'mismatch', at: 9 } as const
    store.getState().recordVerification(7, later)
    expect(callReports(store.getState().reports, 7).map((r) => r.verification)).toEqual([
      later,
      later,
    ])
  })

  it('counts a group call once against the most recent calls kept', () => {
    const store = createReportStore(() => memoryStorage())
    store.getState().addReport(face(1, 'bob', 0, 1000))
    store.getState().addReport(face(1, 'cy', 0, 1000))
    for (let id = 2; id <= MAX_REPORTS; id++) store.getState().addReport(report(id, id * 1000))
    expect(callReports(store.getState().reports, 1)).toHaveLength(2)
    store.getState().addReport(report(MAX_REPORTS + 1, (MAX_REPORTS + 1) * 1000))
    expect(callReports(store.getState().reports, 1)).toEqual([])
    expect(Object.keys(store.getState().reports)).toHaveLength(MAX_REPORTS)
  })
})
