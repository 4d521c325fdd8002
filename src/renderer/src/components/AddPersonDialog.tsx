import { useEffect, useId, useRef, useState, type ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import { MAX_CALL_PARTICIPANTS, type User } from 'veracall-signaling/protocol'
import { useApp, useController } from '../app/context.js'
import { requestErrorText } from '../app/format.js'
import { isSearchable } from '../controller/search-query.js'
import { nameOf } from '../store/selectors.js'
import { Avatar } from './Avatar.js'
import { Icon } from './Icon.js'
import { PeopleSearchField } from './PeopleSearchField.js'
import { useEscapeKey } from './use-escape-key.js'

/** Server refusals of an invitation that have their own words (group.errors.*). */
const INVITE_ERRORS = new Set(['call_full', 'busy', 'conflict', 'forbidden', 'not_found'])

type Outcome = { kind: 'ringing'; name: string } | { kind: 'error'; code: string; name: string }

/**
 * Add person, from the call screen: find someone (the same search as the home screen) and ring
 * them into the call. Escape or Close closes it; the search field has focus when it opens.
 */
export function AddPersonDialog({ onClose }: { onClose: () => void }): ReactElement {
  const { t } = useTranslation()
  const controller = useController()
  const results = useApp((s) => s.results)
  const searching = useApp((s) => s.searching)
  const call = useApp((s) => s.call)
  const [text, setText] = useState('')
  const [outcome, setOutcome] = useState<Outcome | null>(null)
  const [pending, setPending] = useState<string | null>(null)
  const input = useRef<HTMLInputElement>(null)
  const id = useId()
  useEffect(() => input.current?.focus(), [])
  useEscapeKey(onClose)
  useEffect(() => {
    const handle = setTimeout(() => void controller.search(text), 250)
    return () => clearTimeout(handle)
  }, [text, controller])

  const statusOf = new Map((call?.participants ?? []).map((p) => [p.user_id, p.status]))
  const add = async (person: User): Promise<void> => {
    setPending(person.id)
    const code = await controller.call.invite(person)
    setPending(null)
    const name = nameOf(person)
    setOutcome(code === null ? { kind: 'ringing', name } : { kind: 'error', code, name })
  }
  const errorText = (o: Extract<Outcome, { kind: 'error' }>): string =>
    INVITE_ERRORS.has(o.code)
      ? t(`group.errors.${o.code}`, { name: o.name, max: MAX_CALL_PARTICIPANTS })
      : requestErrorText(t, o.code)

  return (
    <div
      className="add-person"
      role="dialog"
      aria-modal="false"
      aria-labelledby={`${id}-title`}
      data-testid="add-person"
    >
      <h2 id={`${id}-title`}>{t('group.addTitle')}</h2>
      <PeopleSearchField id={id} value={text} onChange={setText} inputRef={input} />
      <div aria-live="polite" className="sr-status">
        {searching ? t('home.searching') : ''}
      </div>
      {isSearchable(text) && (
        <ul className="people" aria-label={t('home.results')}>
          {results.map((u) => {
            const name = nameOf(u)
            const status = statusOf.get(u.id)
            const already = status === 'joined' || status === 'invited'
            return (
              <li key={u.id} className="person" data-username={u.username}>
                <Avatar name={name} id={u.id} size="sm" />
                <span className="person-text">
                  <span className="person-name">{name}</span>
                  <span className="person-handle">@{u.username}</span>
                </span>
                {already ? (
                  <span className="muted small person-status">
                    {t(status === 'invited' ? 'group.state.ringing' : 'group.inCall')}
                  </span>
                ) : (
                  <button
                    type="button"
                    className="btn btn-icon btn-accent"
                    aria-label={t('group.add', { name })}
                    title={t('group.add', { name })}
                    disabled={pending !== null}
                    aria-busy={pending === u.id}
                    onClick={() => void add(u)}
                  >
                    <Icon name="personAdd" />
                  </button>
                )}
              </li>
            )
          })}
        </ul>
      )}
      {outcome?.kind === 'ringing' && (
        <p className="add-person-status" role="status" data-testid="invite-status">
          {t('group.ringingStatus', { name: outcome.name })}
        </p>
      )}
      {outcome?.kind === 'error' && (
        <p className="form-error" role="alert" data-code={outcome.code} data-testid="invite-error">
          {errorText(outcome)}
        </p>
      )}
      <button type="button" className="btn btn-ghost btn-block" onClick={onClose}>
        {t('common.close')}
      </button>
    </div>
  )
}
