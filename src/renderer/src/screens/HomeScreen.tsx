import { useCallback, useEffect, useId, useState, type ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import { MAX_CALL_PARTICIPANTS, type User } from 'veracall-signaling/protocol'
import { useShallow } from 'zustand/react/shallow'
import { useApp, useController } from '../app/context.js'
import { Avatar } from '../components/Avatar.js'
import { RejoinBanner } from '../components/RejoinBanner.js'
import { Icon } from '../components/Icon.js'
import { PeopleSearchField } from '../components/PeopleSearchField.js'
import { listNames, requestErrorText } from '../app/format.js'
import { isSearchable } from '../controller/search-query.js'
import { nameOf, selectRecentPeople } from '../store/selectors.js'

/** Besides you: the most people one call can ring at once. */
const MAX_CALLEES = MAX_CALL_PARTICIPANTS - 1

/** The people picked for a group call; `toggle` adds or removes one (up to MAX_CALLEES). */
interface Picking {
  picked: User[]
  toggle: (user: User) => void
}

function PersonRow({ user, picking }: { user: User; picking: Picking }): ReactElement {
  const { t } = useTranslation()
  const controller = useController()
  const name = nameOf(user)
  const picked = picking.picked.some((p) => p.id === user.id)
  const full = !picked && picking.picked.length >= MAX_CALLEES
  const pickLabel = full
    ? t('group.selectionFull', { max: MAX_CALL_PARTICIPANTS })
    : t(picked ? 'group.removeFromCall' : 'group.addToCall', { name })
  return (
    <li className="person" data-username={user.username}>
      <Avatar name={name} id={user.id} />
      <span className="person-text">
        <span className="person-name">{name}</span>
        <span className="person-handle">@{user.username}</span>
      </span>
      <span className="person-actions">
        <button
          type="button"
          className="btn btn-icon btn-soft"
          aria-pressed={picked}
          aria-label={t(picked ? 'group.removeFromCall' : 'group.addToCall', { name })}
          title={pickLabel}
          disabled={full}
          onClick={() => picking.toggle(user)}
        >
          <Icon name={picked ? 'check' : 'personAdd'} />
        </button>
        <button
          type="button"
          className="btn btn-icon btn-soft"
          onClick={() => void controller.call.startCall(user, 'audio')}
          aria-label={t('home.audioCallWith', { name })}
          title={t('home.audioCall')}
        >
          <Icon name="phone" />
        </button>
        <button
          type="button"
          className="btn btn-icon btn-accent"
          onClick={() => void controller.call.startCall(user, 'video')}
          aria-label={t('home.videoCallWith', { name })}
          title={t('home.videoCall')}
        >
          <Icon name="video" />
        </button>
      </span>
    </li>
  )
}

/** The people picked so far and the group call buttons (shown once someone is picked). */
function GroupBar({ picking, onClear }: { picking: Picking; onClear: () => void }): ReactElement {
  const { t, i18n } = useTranslation()
  const controller = useController()
  const id = useId()
  const { picked } = picking
  // One person picked is a plain 1:1 call, placed as one.
  const start = (kind: 'video' | 'audio'): void => {
    const [only] = picked
    if (picked.length === 1 && only) void controller.call.startCall(only, kind)
    else void controller.call.startGroupCall(picked, kind)
  }
  return (
    <div className="group-bar" role="group" aria-labelledby={`${id}-title`} data-testid="group-bar">
      <span className="group-bar-text">
        <strong id={`${id}-title`}>{t('group.selectionTitle')}</strong>
        <span className="group-bar-names">{listNames(picked.map(nameOf), i18n.language)}</span>
        <span className="muted small" aria-live="polite">
          {t('group.selection', { count: picked.length, max: MAX_CALLEES })}
        </span>
      </span>
      <button type="button" className="btn btn-ghost" onClick={onClear}>
        {t('group.clear')}
      </button>
      <button
        type="button"
        className="btn btn-icon btn-soft"
        aria-label={t('group.audioCall')}
        title={t('group.audioCall')}
        onClick={() => start('audio')}
      >
        <Icon name="phone" />
      </button>
      <button
        type="button"
        className="btn btn-icon btn-accent"
        aria-label={t('group.videoCall')}
        title={t('group.videoCall')}
        onClick={() => start('video')}
      >
        <Icon name="video" />
      </button>
    </div>
  )
}

export function HomeScreen(): ReactElement {
  const { t, i18n } = useTranslation()
  const controller = useController()
  const user = useApp((s) => s.user)
  const query = useApp((s) => s.query)
  const results = useApp((s) => s.results)
  const searching = useApp((s) => s.searching)
  const searchError = useApp((s) => s.searchError)
  const recent = useApp(useShallow(selectRecentPeople))
  const notice = useApp((s) => s.notice)
  const callError = useApp((s) => s.callError)
  const [text, setText] = useState(query)
  const id = useId()
  const searchable = isSearchable(text)
  const [picked, setPicked] = useState<User[]>([])
  const toggle = useCallback(
    (u: User) =>
      setPicked((now) =>
        now.some((p) => p.id === u.id)
          ? now.filter((p) => p.id !== u.id)
          : now.length < MAX_CALLEES
            ? [...now, u]
            : now,
      ),
    [],
  )
  const picking: Picking = { picked, toggle }

  // Debounced search as the person types.
  useEffect(() => {
    const handle = setTimeout(() => void controller.search(text), 250)
    return () => clearTimeout(handle)
  }, [text, controller])

  return (
    <div className="page home">
      <header className="page-head">
        <h1>{t('home.greeting', { name: nameOf(user) })}</h1>
        <p className="muted">{t('home.subtitle')}</p>
      </header>
      {notice && (
        <div className={`notice notice-${notice.kind}`} role="status" data-notice={notice.kind}>
          <Icon
            name={
              notice.kind === 'missed' || notice.kind === 'cancelledByCaller'
                ? 'incoming'
                : 'phoneOff'
            }
          />
          <span>
            {callError === 'media'
              ? t('notice.media')
              : t(`notice.${notice.kind}`, { name: listNames(notice.peerNames, i18n.language) })}
          </span>
          <button
            type="button"
            className="btn btn-icon btn-ghost"
            onClick={() => controller.call.dismissNotice()}
            aria-label={t('home.dismiss')}
          >
            <Icon name="close" size={18} />
          </button>
        </div>
      )}
      <RejoinBanner />
      <section className="card" aria-labelledby={`${id}-people`}>
        {picked.length > 0 && <GroupBar picking={picking} onClear={() => setPicked([])} />}
        <PeopleSearchField id={id} value={text} onChange={setText} />
        <h2 id={`${id}-people`} className="section-title">
          {t('home.results')}
        </h2>
        <div aria-live="polite" className="sr-status">
          {searching ? t('home.searching') : ''}
        </div>
        {searchError && (
          <p className="form-error" role="alert" data-code={searchError.code}>
            {searchError.code === 'query_too_short'
              ? t('home.searchTooShort')
              : `${t('home.searchFailed')} ${requestErrorText(t, searchError.code)}`}
          </p>
        )}
        {results.length === 0 && !searching && searchable ? (
          <p className="empty">{t('home.noResults', { query: text.trim() })}</p>
        ) : (
          <ul className="people" aria-label={t('home.results')}>
            {results.map((u) => (
              <PersonRow key={u.id} user={u} picking={picking} />
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby={`${id}-recent`}>
        <h2 id={`${id}-recent`} className="section-title">
          {t('home.recent')}
        </h2>
        {recent.length === 0 ? (
          <p className="empty">{t('home.noRecent')}</p>
        ) : (
          <ul className="people">
            {recent.map((u) => (
              <PersonRow key={u.id} user={u} picking={picking} />
            ))}
          </ul>
        )}
      </section>
    </div>
  )
}
