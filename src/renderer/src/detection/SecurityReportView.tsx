/**
 * A call's face-check reports (kept on this device): per person, the highest level reached (not the
 * raw score, which would read as a probability it is not), the share of time at each level and the
 * model; the call's verification choice once. Full in the call summary, one line in history. A call
 * with one face (every 1:1 call, and reports filed before group calls) reads as it always did; a
 * group call's gives one verdict per person, named.
 */
import { useMemo, type ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import type { SecurityReport } from '../../../shared/detection.js'
import { useApp } from '../app/context.js'
import { callReports, hasFaceCheck, reportShares } from '../store/slices/reports.js'
import { reportVerdict } from './report-verdict.js'

type T = ReturnType<typeof useTranslation>['t']

/** What one face's report says, in words. */
function faceFacts(t: T, report: SecurityReport): { peak: string; shares: string; model: string } {
  const verdict = reportVerdict(report)
  const peak = verdict.judged
    ? t(`security.level.${verdict.level}`)
    : t('security.report.noVerdict', { why: t(`security.report.why.${verdict.why}`) })
  const shares = reportShares(report)
    .map((s) =>
      t('security.report.share', { level: t(`security.level.${s.level}`), percent: s.percent }),
    )
    .join(' · ')
  const model = report.model ? `${report.model.name} ${report.model.version}` : '–'
  return { peak, shares, model }
}

/** The level order of `peakLevel`s: the call's `data-peak` is its most worrying face's. */
const PEAK_ORDER = ['high', 'elevated', 'low', 'insufficient_quality', 'no_face', 'analysing']

function callPeak(faces: readonly SecurityReport[]): string {
  const peaks = faces.map((r) => r.peakLevel)
  return PEAK_ORDER.find((l) => peaks.includes(l as SecurityReport['peakLevel'])) ?? peaks[0] ?? ''
}

export function SecurityReportView(props: {
  /** One call's reports (`callReports`): at most one without a peer, then one per face. */
  reports: readonly SecurityReport[]
  compact?: boolean
}): ReactElement {
  const { reports, compact = false } = props
  const { t } = useTranslation()
  const faces = reports.filter(hasFaceCheck)
  const named = faces.length > 1
  const verification = reports.find((r) => r.verification)?.verification
  const dataPeak = callPeak(faces.length > 0 ? faces : reports)
  const whose = (r: SecurityReport): string => r.peer?.name || t('security.report.unnamed')

  if (compact) {
    const checks = faces.map((r) => {
      const { peak, shares, model } = faceFacts(t, r)
      // A group call's line names each person and keeps only the verdict.
      return named
        ? t('security.report.person', { name: whose(r), verdict: peak })
        : [peak, shares, model].filter(Boolean).join(' · ')
    })
    const parts = [
      checks.length > 0 ? `${t('security.report.short')}: ${checks.join(' · ')}` : '',
      verification
        ? `${t('verification.report.short')}: ${t(
            verification.result === 'match'
              ? 'verification.report.shortMatch'
              : 'verification.report.shortMismatch',
          )}`
        : '',
    ]
    return (
      <span
        className="security-report-line"
        data-testid="security-report"
        data-peak={dataPeak}
        data-verification={verification?.result ?? ''}
      >
        {parts.filter(Boolean).join(' · ')}
      </span>
    )
  }
  return (
    <section
      className="security-report"
      aria-label={t('security.report.title')}
      data-testid="security-report"
      data-peak={dataPeak}
      data-verification={verification?.result ?? ''}
    >
      <h2>{t(faces.length > 0 ? 'security.report.title' : 'verification.report.title')}</h2>
      {named &&
        faces.map((r) => (
          <div key={r.peer?.id ?? ''} className="security-report-face" data-peak={r.peakLevel}>
            <h3>{whose(r)}</h3>
            <dl className="facts">
              <FaceFacts report={r} />
            </dl>
          </div>
        ))}
      {((!named && faces[0]) || verification) && (
        <dl className="facts">
          {!named && faces[0] && <FaceFacts report={faces[0]} />}
          {verification && (
            <div>
              <dt>{t('verification.report.title')}</dt>
              <dd data-testid="verification-report">
                {t(`verification.report.${verification.result}`, { code: verification.code })}
              </dd>
            </div>
          )}
        </dl>
      )}
      <p className="muted">{t('security.report.local')}</p>
    </section>
  )
}

/** One face's facts, as rows of a `.facts` list. */
function FaceFacts(props: { report: SecurityReport }): ReactElement {
  const { t } = useTranslation()
  const { peak, shares, model } = faceFacts(t, props.report)
  return (
    <>
      <div>
        <dt>{t('security.report.peak')}</dt>
        <dd>{peak}</dd>
      </div>
      <div>
        <dt>{t('security.report.shares')}</dt>
        <dd>{shares || '–'}</dd>
      </div>
      <div>
        <dt>{t('security.report.model')}</dt>
        <dd>{model}</dd>
      </div>
    </>
  )
}

/** The stored reports of a call, or nothing when the call has none (audio, detection off). */
export function CallSecurityReport(props: {
  callId: number
  compact?: boolean
}): ReactElement | null {
  const all = useApp((s) => s.reports)
  const reports = useMemo(() => callReports(all, props.callId), [all, props.callId])
  return reports.length > 0 ? (
    <SecurityReportView reports={reports} compact={props.compact === true} />
  ) : null
}
