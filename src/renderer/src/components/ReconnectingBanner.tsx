import type { ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import { useApp } from '../app/context.js'
import { RECONNECT_BOUND_MS } from '../call/reconnect-watch.js'

/**
 * A connected call that lost its media path or the other person's app: says so, and that the
 * call ends after the bound. A room-socket drop alone keeps its own banner (media still flows).
 */
export function ReconnectingBanner({ name }: { name: string }): ReactElement | null {
  const { t } = useTranslation()
  const cause = useApp((s) => s.reconnecting)
  if (cause !== 'media' && cause !== 'peer') return null
  return (
    <div className="banner banner-reconnecting" role="status" data-testid="reconnecting">
      <span className="spinner" aria-hidden="true" />
      <span>
        <strong>
          {cause === 'peer' ? t('call.reconnectingPeer', { name }) : t('call.reconnecting')}
        </strong>{' '}
        {t('call.reconnectingBound', { seconds: String(RECONNECT_BOUND_MS / 1000) })}
      </span>
    </div>
  )
}
