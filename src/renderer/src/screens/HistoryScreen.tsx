import { useEffect, type ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import { useApp, useController } from '../app/context.js'
import { Avatar } from '../components/Avatar.js'
import { Icon } from '../components/Icon.js'
import { callOutcomeKey, formatDateTime, formatDuration, requestErrorText } from '../app/format.js'
import { nameOf, otherParty, selectHistoryPages } from '../store/selectors.js'
import { CallSecurityReport } from '../detection/SecurityReportView.js'

export function HistoryScreen(): ReactElement {
  const { t, i18n } = useTranslation()
  const controller = useController()
  const self = useApp((s) => s.user?.id ?? '')
  const calls = useApp((s) => s.historyCalls)
  const stats = useApp((s) => s.historyStats)
  const page = useApp((s) => s.historyPage)
  const pages = useApp(selectHistoryPages)
  const loading = useApp((s) => s.historyLoading)
  const error = useApp((s) => s.historyError)

  useEffect(() => {
    void controller.loadHistory(1)
  }, [controller])

  return (
    <div className="page history">
      <header className="page-head">
        <h1>{t('history.title')}</h1>
      </header>
      {stats && (
        <dl className="stat-grid" aria-label={t('history.title')}>
          {(
            [
              ['history.total', stats.total_calls, 'stat-total'],
              ['history.completed', stats.completed],
              ['history.missed', stats.missed],
              ['history.declined', stats.declined],
              ['history.totalDuration', formatDuration(t, stats.total_duration_s)],
              ['history.avgDuration', formatDuration(t, stats.avg_duration_s)],
            ] satisfies [string, number | string, string?][]
          ).map(([label, value, testId]) => (
            <div className="stat" key={label}>
              <dt>{t(label)}</dt>
              <dd data-testid={testId}>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      <section className="card" aria-busy={loading}>
        {error && (
          <p className="form-error" role="alert" data-code={error.code}>
            {t('history.loadFailed')} {requestErrorText(t, error.code)}
          </p>
        )}
        {calls.length === 0 && !loading ? (
          <p className="empty">{t('history.empty')}</p>
        ) : (
          <ul className="calls" aria-label={t('history.list')}>
            {calls.map((call) => {
              const other = otherParty(call, self)
              const name = nameOf(other) || '?'
              const outgoing = call.caller_id === self
              const reason = call.end_reason ?? call.status
              const bad = reason === 'missed' || reason === 'declined' || reason === 'cancelled'
              return (
                <li key={call.id} className="call-row" data-call-id={call.id} data-reason={reason}>
                  <Avatar name={name} id={other?.id ?? String(call.id)} size="sm" />
                  <span className="call-row-main">
                    <span className="person-name">{name}</span>
                    <span className={`call-row-sub ${bad ? 'bad' : ''}`}>
                      <Icon name={outgoing ? 'outgoing' : 'incoming'} size={14} />
                      {outgoing ? t('history.outgoing') : t('history.incoming')} ·{' '}
                      <Icon name={call.call_type === 'video' ? 'video' : 'phone'} size={14} />
                      {t(callOutcomeKey(call, self))}
                    </span>
                    <CallSecurityReport callId={call.id} compact />
                  </span>
                  <span className="call-row-end">
                    <span className="call-duration" data-testid="call-duration">
                      {call.duration_s !== undefined ? formatDuration(t, call.duration_s) : '–'}
                    </span>
                    <time dateTime={call.created_at}>
                      {formatDateTime(call.created_at, i18n.language)}
                    </time>
                  </span>
                </li>
              )
            })}
          </ul>
        )}
        <div className="pager">
          <button
            type="button"
            className="btn btn-icon btn-ghost"
            disabled={page <= 1 || loading}
            onClick={() => void controller.loadHistory(page - 1)}
            aria-label={t('history.prev')}
          >
            <Icon name="chevronLeft" />
          </button>
          <span>{t('history.page', { page, pages })}</span>
          <button
            type="button"
            className="btn btn-icon btn-ghost"
            disabled={page >= pages || loading}
            onClick={() => void controller.loadHistory(page + 1)}
            aria-label={t('history.next')}
          >
            <Icon name="chevronRight" />
          </button>
        </div>
      </section>
    </div>
  )
}
