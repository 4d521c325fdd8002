import { useEffect, useRef, type ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import { useShallow } from 'zustand/react/shallow'
import { useApp, useController } from '../app/context.js'
import { listNames } from '../app/format.js'
import { Avatar } from '../components/Avatar.js'
import { Icon } from '../components/Icon.js'
import { selectOtherNames, selectPeerName } from '../store/selectors.js'

export function IncomingCallScreen(): ReactElement {
  const { t, i18n } = useTranslation()
  const controller = useController()
  const name = useApp(selectPeerName)
  const peerId = useApp((s) => s.peer?.id ?? '')
  const callType = useApp((s) => s.callType)
  const accepting = useApp((s) => s.accepting)
  const group = useApp((s) => s.group)
  const others = useApp(useShallow(selectOtherNames))
  const acceptRef = useRef<HTMLButtonElement>(null)
  useEffect(() => acceptRef.current?.focus(), [])
  return (
    <div
      className="ring-screen"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="incoming-title"
      aria-describedby="incoming-type"
    >
      <div className="ring-card">
        <p className="eyebrow">{t('incoming.title')}</p>
        <div className="pulse">
          <Avatar name={name} id={peerId} size="xl" />
        </div>
        <h1 id="incoming-title">{t('incoming.calling', { name })}</h1>
        <p id="incoming-type" className="muted call-kind">
          <Icon name={callType === 'video' ? 'video' : 'phone'} size={18} />
          {callType === 'video' ? t('incoming.video') : t('incoming.audio')}
        </p>
        {group && (
          <p className="muted" data-testid="incoming-group">
            {t('group.incoming', { names: listNames(others, i18n.language) })}
          </p>
        )}
        {/* Shown the moment Accept is pressed: the camera can take seconds to open. */}
        <p className="muted ring-status" role="status" data-testid="accept-status">
          {accepting ? t('incoming.connecting') : ''}
        </p>
        <div className="ring-actions">
          <div className="ring-action">
            <button
              type="button"
              className="btn btn-round btn-danger"
              onClick={() => void controller.call.decline()}
              aria-label={t('incoming.decline')}
            >
              <Icon name="phoneOff" size={28} />
            </button>
            <span aria-hidden="true">{t('incoming.decline')}</span>
          </div>
          <div className="ring-action">
            <button
              ref={acceptRef}
              type="button"
              className="btn btn-round btn-success"
              onClick={() => void controller.call.accept()}
              disabled={accepting}
              aria-busy={accepting}
              aria-label={t('incoming.accept')}
            >
              <Icon name={callType === 'video' ? 'video' : 'phone'} size={28} />
            </button>
            <span aria-hidden="true">{t('incoming.accept')}</span>
          </div>
        </div>
      </div>
    </div>
  )
}
