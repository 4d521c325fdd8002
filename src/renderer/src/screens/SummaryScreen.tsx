import { useEffect, useRef, type ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import { useApp, useController } from '../app/context.js'
import { Avatar } from '../components/Avatar.js'
import { Icon } from '../components/Icon.js'
import { formatDuration } from '../app/format.js'
import { nameOf } from '../store/selectors.js'
import { CallSecurityReport } from '../detection/SecurityReportView.js'

export function SummaryScreen(): ReactElement | null {
  const { t } = useTranslation()
  const controller = useController()
  const summary = useApp((s) => s.summary)
  const doneRef = useRef<HTMLButtonElement>(null)
  useEffect(() => doneRef.current?.focus(), [])
  if (!summary) return null
  const name = nameOf(summary.peer)
  const level = summary.quality?.level ?? 'unknown'
  return (
    <main className="summary" aria-labelledby="summary-title">
      <div className="card summary-card">
        <Avatar name={name} id={summary.peer.id} size="lg" />
        <h1 id="summary-title">{t('summary.title')}</h1>
        <p className="muted">{t('summary.with', { name })}</p>
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
            <dd>
              <span className={`quality-dot q-${level}`} aria-hidden="true" />{' '}
              {t(`quality.${level}`)}
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
            onClick={() => {
              controller.call.dismissSummary()
              void controller.call.startCall(summary.peer, summary.callType)
            }}
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
