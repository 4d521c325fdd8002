import { useEffect, useRef, type ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import { useApp, useController } from '../app/context.js'
import { Avatar } from '../components/Avatar.js'
import { Icon } from '../components/Icon.js'
import { formatDuration, listNames } from '../app/format.js'
import { nameOf } from '../store/selectors.js'
import { CallSecurityReport } from '../detection/SecurityReportView.js'

export function SummaryScreen(): ReactElement | null {
  const { t, i18n } = useTranslation()
  const controller = useController()
  const summary = useApp((s) => s.summary)
  const doneRef = useRef<HTMLButtonElement>(null)
  useEffect(() => doneRef.current?.focus(), [])
  if (!summary) return null
  const { people } = summary
  // No sample by the end (a group call, which has no quality chip, or a very short call): the
  // call is over, so it was not measured rather than "Measuring…".
  const level = summary.quality?.level ?? null
  return (
    <main className="summary" aria-labelledby="summary-title">
      <div className="card summary-card">
        <div className="avatar-row" data-testid="summary-avatars">
          {people.map((p) => (
            <Avatar key={p.id} name={nameOf(p)} id={p.id} size="lg" />
          ))}
        </div>
        <h1 id="summary-title">{t('summary.title')}</h1>
        {/* Everyone who took part, as the language lists them ("A, B, and C", "A、B和C"). */}
        <p className="muted" data-testid="summary-with">
          {t('summary.with', { names: listNames(people.map(nameOf), i18n.language) })}
        </p>
        <dl className="facts">
          <div>
            <dt>{t('summary.duration')}</dt>
            <dd data-testid="summary-duration">{formatDuration(t, summary.durationS)}</dd>
          </div>
          <div>
            <dt>{t('summary.type')}</dt>
            <dd>{summary.callType === 'video' ? t('incoming.video') : t('incoming.audio')}</dd>
          </div>
          <div>
            <dt>{t('summary.quality')}</dt>
            <dd data-testid="summary-quality">
              {level ? (
                <>
                  <span className={`quality-dot q-${level}`} aria-hidden="true" />{' '}
                  {t(`quality.${level}`)}
                </>
              ) : (
                t('summary.qualityNone')
              )}
            </dd>
          </div>
          <div>
            <dt>{t('summary.reason')}</dt>
            <dd>{t(`reason.${summary.reason}`)}</dd>
          </div>
        </dl>
        <CallSecurityReport callId={summary.callId} />
        <div className="row-actions">
          <button
            type="button"
            className="btn btn-soft"
            onClick={() => void controller.call.callAgain()}
          >
            <Icon name={summary.callType === 'video' ? 'video' : 'phone'} size={18} />
            {t('summary.callAgain')}
          </button>
          <button
            ref={doneRef}
            type="button"
            className="btn btn-primary"
            onClick={() => controller.call.dismissSummary()}
          >
            {t('common.done')}
          </button>
        </div>
      </div>
    </main>
  )
}
