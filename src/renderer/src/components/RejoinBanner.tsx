import type { ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import { useApp, useController } from '../app/context.js'
import { listNames } from '../app/format.js'
import { nameOf, otherParty } from '../store/selectors.js'
import { isGroupCall } from '../call/mesh-roles.js'
import { Icon } from './Icon.js'

/** A call in progress this app left without hanging up (a reload): rejoin it or end it. */
export function RejoinBanner(): ReactElement | null {
  const { t, i18n } = useTranslation()
  const controller = useController()
  const call = useApp((s) => s.rejoinable)
  const self = useApp((s) => s.user?.id ?? '')
  if (!call) return null
  // A group call is named for everyone still in it.
  const name = isGroupCall(call)
    ? listNames(
        (call.participants ?? [])
          .filter((p) => p.user_id !== self && p.status === 'joined')
          .map((p) => nameOf(p.user)),
        i18n.language,
      )
    : nameOf(otherParty(call, self))
  return (
    <section className="notice notice-rejoin" aria-labelledby="rejoin-title" data-testid="rejoin">
      <Icon name={call.call_type === 'video' ? 'video' : 'phone'} />
      <span>
        <strong id="rejoin-title" className="rejoin-title">
          {t('rejoin.title')}
        </strong>{' '}
        {t('rejoin.body', { name })}
      </span>
      <button
        type="button"
        className="btn btn-primary"
        aria-label={t('rejoin.rejoinWith', { name })}
        onClick={() => void controller.call.rejoin()}
      >
        {t('rejoin.rejoin')}
      </button>
      <button
        type="button"
        className="btn btn-ghost"
        onClick={() => void controller.call.endRejoinable()}
      >
        {t('rejoin.end')}
      </button>
    </section>
  )
}
