import { useId, useState, type FormEvent, type ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import { useApp, useController } from '../app/context.js'
import { Icon } from '../components/Icon.js'
import { USERNAME_RULE } from '../controller/username-rule.js'

const KNOWN_ERRORS = new Set([
  'unreachable',
  'cors_refused',
  'not_veracall',
  'invalid_url',
  'invalid_credentials',
  'username_chars',
  'username_length',
  'username_taken',
  'invalid_input',
  'rate_limited',
])

type Mode = 'login' | 'register'
const MODES: { mode: Mode; tab: string }[] = [
  { mode: 'login', tab: 'auth.signInTab' },
  { mode: 'register', tab: 'auth.registerTab' },
]

export function SignInScreen(): ReactElement {
  const { t } = useTranslation()
  const controller = useController()
  const defaultServer = useApp((s) => s.serverUrl)
  const status = useApp((s) => s.authStatus)
  const error = useApp((s) => s.authError)
  const [mode, setMode] = useState<Mode>('login')
  const [server, setServer] = useState<string | null>(null)
  const [username, setUsername] = useState(controller.lastUsername)
  const [password, setPassword] = useState('')
  const [displayName, setDisplayName] = useState('')
  const ids = useId()
  const working = status === 'working'

  const submit = (e: FormEvent): void => {
    e.preventDefault()
    void controller.signIn({
      mode,
      serverUrl: server ?? defaultServer,
      username: username.trim(),
      password,
      displayName: displayName.trim() || undefined,
    })
  }

  const errorText = error
    ? KNOWN_ERRORS.has(error.code)
      ? // The origin a server's CORS_ORIGINS must list for this app (app://veracall, or the page's).
        t(`auth.errors.${error.code}`, { origin: window.location.origin, ...USERNAME_RULE })
      : t('auth.errors.generic', { message: error.message })
    : null

  return (
    <main className="auth">
      <section className="auth-hero" aria-hidden="true">
        <div className="brand brand-lg">
          <span className="brand-mark">
            <Icon name="video" size={28} />
          </span>
          {t('app.name')}
        </div>
        <p className="auth-tagline">{t('app.tagline')}</p>
        <div className="hero-art">
          <span className="hero-tile hero-a" />
          <span className="hero-tile hero-b" />
          <span className="hero-shield">
            <Icon name="shield" size={36} />
          </span>
        </div>
      </section>
      <section className="auth-panel">
        <div className="card auth-card">
          <h1>{mode === 'login' ? t('auth.signInTitle') : t('auth.registerTitle')}</h1>
          <div className="segmented" role="tablist" aria-label={t('auth.signInTab')}>
            {MODES.map(({ mode: value, tab }) => (
              <button
                key={value}
                type="button"
                role="tab"
                id={`${ids}-tab-${value}`}
                aria-controls={`${ids}-form`}
                aria-selected={mode === value}
                className={mode === value ? 'active' : ''}
                onClick={() => setMode(value)}
              >
                {t(tab)}
              </button>
            ))}
          </div>
          <form
            id={`${ids}-form`}
            role="tabpanel"
            aria-labelledby={`${ids}-tab-${mode}`}
            onSubmit={submit}
            noValidate
            aria-describedby={errorText ? `${ids}-err` : undefined}
          >
            <div className="field">
              <label htmlFor={`${ids}-server`}>{t('auth.server')}</label>
              <input
                id={`${ids}-server`}
                name="server"
                type="url"
                inputMode="url"
                autoComplete="url"
                value={server ?? defaultServer}
                onChange={(e) => setServer(e.target.value)}
                aria-describedby={`${ids}-server-hint`}
                required
              />
              <small id={`${ids}-server-hint`}>{t('auth.serverHint')}</small>
            </div>
            <div className="field">
              <label htmlFor={`${ids}-user`}>{t('auth.username')}</label>
              <input
                id={`${ids}-user`}
                name="username"
                autoComplete="username"
                value={username}
                onChange={(e) => setUsername(e.target.value)}
                aria-describedby={mode === 'register' ? `${ids}-user-hint` : undefined}
                required
                minLength={USERNAME_RULE.min}
                maxLength={USERNAME_RULE.max}
              />
              {mode === 'register' && (
                <small id={`${ids}-user-hint`}>{t('auth.usernameHint', USERNAME_RULE)}</small>
              )}
            </div>
            {mode === 'register' && (
              <div className="field">
                <label htmlFor={`${ids}-display`}>{t('auth.displayName')}</label>
                <input
                  id={`${ids}-display`}
                  name="display_name"
                  autoComplete="nickname"
                  value={displayName}
                  onChange={(e) => setDisplayName(e.target.value)}
                  maxLength={64}
                  aria-describedby={`${ids}-display-hint`}
                />
                <small id={`${ids}-display-hint`}>{t('auth.displayNameHint')}</small>
              </div>
            )}
            <div className="field">
              <label htmlFor={`${ids}-pass`}>{t('auth.password')}</label>
              <input
                id={`${ids}-pass`}
                name="password"
                type="password"
                autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                aria-describedby={mode === 'register' ? `${ids}-pass-hint` : undefined}
                required
                minLength={mode === 'register' ? 8 : 1}
              />
              {mode === 'register' && (
                <small id={`${ids}-pass-hint`}>{t('auth.passwordHint')}</small>
              )}
            </div>
            {errorText && (
              <p className="form-error" role="alert" id={`${ids}-err`} data-code={error?.code}>
                {errorText}
              </p>
            )}
            <button type="submit" className="btn btn-primary btn-block" disabled={working}>
              {working
                ? t('auth.working')
                : mode === 'login'
                  ? t('auth.submitSignIn')
                  : t('auth.submitRegister')}
            </button>
          </form>
          <p className="fine-print">{t('auth.privacy')}</p>
        </div>
      </section>
    </main>
  )
}
