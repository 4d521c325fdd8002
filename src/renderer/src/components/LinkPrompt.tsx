import { useEffect, useRef, type ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import { useApp, useController } from '../app/context.js'
import { nameOf } from '../store/selectors.js'
import { Icon } from './Icon.js'

/**
 * The question a `veracall://` link asks: call this person? switch to this server? Nothing
 * happens until the person clicks; Escape or "Cancel" dismisses it.
 */
export function LinkPrompt(): ReactElement | null {
  const { t } = useTranslation()
  const controller = useController()
  const prompt = useApp((s) => s.linkPrompt)
  const first = useRef<HTMLButtonElement>(null)
  useEffect(() => first.current?.focus(), [prompt])
  if (prompt === null) return null
  const dismiss = (): void => controller.links.dismissLinkPrompt()
  let title: string
  let body: string
  let actions: ReactElement
  if (prompt.kind === 'server') {
    title = t('linkPrompt.serverTitle')
    body = t('linkPrompt.serverBody', { url: prompt.url })
    actions = (
      <button
        ref={first}
        type="button"
        className="btn btn-primary"
        onClick={() => void controller.links.switchServer(prompt.url)}
      >
        {t('linkPrompt.serverSwitch')}
      </button>
    )
  } else if (prompt.kind === 'call') {
    const name = nameOf(prompt.user)
    title = t('linkPrompt.callTitle', { name })
    body = t('linkPrompt.callBody', { name, username: prompt.user.username })
    const call = (type: 'audio' | 'video') => () => {
      dismiss()
      void controller.call.startCall(prompt.user, type)
    }
    actions = (
      <>
        <button ref={first} type="button" className="btn btn-primary" onClick={call('video')}>
          <Icon name="video" size={18} />
          {t('linkPrompt.videoCall')}
        </button>
        <button type="button" className="btn btn-soft" onClick={call('audio')}>
          <Icon name="phone" size={18} />
          {t('linkPrompt.audioCall')}
        </button>
      </>
    )
  } else {
    title = t('linkPrompt.notFoundTitle')
    body = t('linkPrompt.notFoundBody', { username: prompt.username })
    actions = <></>
  }
  return (
    <div
      className="ring-screen link-prompt"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="link-prompt-title"
      aria-describedby="link-prompt-body"
      onKeyDown={(e) => {
        if (e.key === 'Escape') dismiss()
      }}
    >
      <div className="ring-card">
        <p className="eyebrow">{t('linkPrompt.eyebrow')}</p>
        <h1 id="link-prompt-title">{title}</h1>
        <p id="link-prompt-body" className="muted link-prompt-body">
          {body}
        </p>
        <div className="row-actions">
          {actions}
          <button
            ref={prompt.kind === 'userNotFound' ? first : undefined}
            type="button"
            className="btn btn-ghost"
            onClick={dismiss}
          >
            {prompt.kind === 'userNotFound' ? t('common.close') : t('common.cancel')}
          </button>
        </div>
      </div>
    </div>
  )
}
