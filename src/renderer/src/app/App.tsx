import { useEffect, type ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import { useApp, useController, usePlatform } from './context.js'
import { Avatar } from '../components/Avatar.js'
import { Icon, type IconName } from '../components/Icon.js'
import { resolveLanguage } from '../i18n/index.js'
import { nameOf, selectIsSignedIn } from '../store/selectors.js'
import type { Screen } from '../store/slices/settings.js'
import { SignInScreen } from '../screens/SignInScreen.js'
import { HomeScreen } from '../screens/HomeScreen.js'
import { HistoryScreen } from '../screens/HistoryScreen.js'
import { SettingsScreen } from '../screens/SettingsScreen.js'
import { IncomingCallScreen } from '../screens/IncomingCallScreen.js'
import { CallScreen } from '../screens/CallScreen.js'
import { SummaryScreen } from '../screens/SummaryScreen.js'
import { LinkPrompt } from '../components/LinkPrompt.js'

const NAV: { screen: Screen; icon: IconName; label: string }[] = [
  { screen: 'home', icon: 'home', label: 'nav.home' },
  { screen: 'history', icon: 'history', label: 'nav.history' },
  { screen: 'settings', icon: 'settings', label: 'nav.settings' },
]

/** Keeps <html lang>, the i18n language and the colour scheme in step with the settings. */
function useLanguageAndTheme(): void {
  const { i18n } = useTranslation()
  const platform = usePlatform()
  const language = useApp((s) => s.language)
  const theme = useApp((s) => s.theme)
  useEffect(() => {
    const apply = (): void => {
      const lang = resolveLanguage(language, platform.languages())
      void i18n.changeLanguage(lang)
      document.documentElement.lang = lang
    }
    apply()
    window.addEventListener('languagechange', apply)
    return () => window.removeEventListener('languagechange', apply)
  }, [language, i18n, platform])
  useEffect(() => {
    const root = document.documentElement
    if (theme === 'system') delete root.dataset.theme
    else root.dataset.theme = theme
  }, [theme])
}

/** `inert` while a modal (the incoming call) covers it, so Tab cannot reach what is behind. */
function Shell({ inert = false }: { inert?: boolean }): ReactElement {
  const { t } = useTranslation()
  const controller = useController()
  const screen = useApp((s) => s.screen)
  const navigate = useApp((s) => s.navigate)
  const user = useApp((s) => s.user)
  const eventsState = useApp((s) => s.eventsState)
  const online = eventsState === 'open'
  return (
    <div className="shell" inert={inert}>
      <a className="skip-link" href="#content">
        {t('nav.skipToContent')}
      </a>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark">
            <Icon name="video" />
          </span>
          <span className="brand-name">{t('app.name')}</span>
        </div>
        <nav aria-label={t('nav.main')}>
          <ul>
            {NAV.map((item) => (
              <li key={item.screen}>
                <button
                  type="button"
                  className={`nav-item ${screen === item.screen ? 'active' : ''}`}
                  aria-current={screen === item.screen ? 'page' : undefined}
                  onClick={() => {
                    // HistoryScreen loads page 1 when it mounts; a click while it is already
                    // shown is the way to refresh it.
                    if (item.screen === 'history' && screen === 'history')
                      void controller.loadHistory(1)
                    navigate(item.screen)
                  }}
                >
                  <Icon name={item.icon} />
                  <span className="nav-label">{t(item.label)}</span>
                </button>
              </li>
            ))}
          </ul>
        </nav>
        {user && (
          <div className="me" title={t('nav.signedInAs', { name: nameOf(user) })}>
            <Avatar name={nameOf(user)} id={user.id} size="sm" />
            <span className="me-text">
              <span className="person-name">{nameOf(user)}</span>
              <span className={`presence ${online ? 'on' : 'off'}`} role="status">
                {online ? t('nav.online') : t('nav.offline')}
              </span>
            </span>
          </div>
        )}
      </aside>
      <div className="content" id="content" tabIndex={-1}>
        {screen === 'home' && <HomeScreen />}
        {screen === 'history' && <HistoryScreen />}
        {screen === 'settings' && <SettingsScreen />}
      </div>
    </div>
  )
}

export function App(): ReactElement {
  useLanguageAndTheme()
  const signedIn = useApp(selectIsSignedIn)
  const phase = useApp((s) => s.phase)
  if (!signedIn) {
    return (
      <>
        <SignInScreen />
        <LinkPrompt />
      </>
    )
  }
  if (phase === 'outgoing' || phase === 'connecting' || phase === 'active') return <CallScreen />
  if (phase === 'ended') return <SummaryScreen />
  return (
    <>
      <Shell inert={phase === 'incoming'} />
      {phase === 'incoming' ? <IncomingCallScreen /> : <LinkPrompt />}
    </>
  )
}
