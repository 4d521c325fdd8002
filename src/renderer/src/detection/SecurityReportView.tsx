/**
 * A call's face-check report (kept on this device): the highest level reached (not the raw score,
 * which would read as a probability it is not), the share of time at each level and the model.
 * Full in the call summary, one line in history.
 */
import type { ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import type { SecurityReport } from '../../../shared/detection.js'
import { useApp } from '../app/context.js'
import { hasFaceCheck, reportShares } from '../store/slices/reports.js'
import { reportVerdict } from './report-verdict.js'

export function SecurityReportView(props: {
  report: SecurityReport
  compact?: boolean
}): ReactElement {
  const { report, compact = false } = props
  const { t } = useTranslation()
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
  const faceCheck = hasFaceCheck(report)
  const { verification } = report

  if (compact) {
    const parts = [
      faceCheck
        ? `${t('security.report.short')}: ${[peak, shares, model].filter(Boolean).join(' · ')}`
        : '',
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
        data-peak={report.peakLevel}
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
      data-peak={report.peakLevel}
      data-verification={verification?.result ?? ''}
    >
      <h2>{t(faceCheck ? 'security.report.title' : 'verification.report.title')}</h2>
      <dl className="facts">
        {faceCheck && (
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
        )}
        {verification && (
          <div>
            <dt>{t('verification.report.title')}</dt>
            <dd data-testid="verification-report">
              {t(`verification.report.${verification.result}`, { code: verification.code })}
            </dd>
          </div>
        )}
      </dl>
      <p className="muted">{t('security.report.local')}</p>
    </section>
  )
}

/** The stored report of a call, or nothing when the call has none (audio, detection off). */
export function CallSecurityReport(props: {
  callId: number
  compact?: boolean
}): ReactElement | null {
  const report = useApp((s) => s.reports[String(props.callId)] ?? null)
  return report ? <SecurityReportView report={report} compact={props.compact === true} /> : null
}
