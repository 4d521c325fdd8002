import { useId, useState, type ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import { useApp, useController, usePlatform } from '../app/context.js'
import { Icon } from '../components/Icon.js'
import { DEFAULT_STUN_URLS, parseIceUrls } from '../call/ice-servers.js'
import { systemLanguage } from '../i18n/index.js'
import type { LanguagePref, ThemePref } from '../store/slices/settings.js'
import { desktopApi } from '../platform/platform.js'
import { DesktopSettingsSection } from './DesktopSettingsSection.js'

export function SettingsScreen(): ReactElement {
  const { t } = useTranslation()
  const controller = useController()
  const platform = usePlatform()
  const language = useApp((s) => s.language)
  const theme = useApp((s) => s.theme)
  const serverUrl = useApp((s) => s.serverUrl)
  const user = useApp((s) => s.user)
  const stunUrls = useApp((s) => s.stunUrls)
  const clearReports = useApp((s) => s.clearReports)
  const turnInitial = controller.turnSettings
  const [stunText, setStunText] = useState((stunUrls ?? DEFAULT_STUN_URLS).join('\n'))
  const [turnUrls, setTurnUrls] = useState(turnInitial.urls.join('\n'))
  const [turnUser, setTurnUser] = useState(turnInitial.username)
  const [turnPass, setTurnPass] = useState('')
  const [saved, setSaved] = useState(false)
  const [reportsCleared, setReportsCleared] = useState(false)
  const desktop = desktopApi(platform)
  const id = useId()
  const sys = systemLanguage(platform.languages())

  const saveNetwork = (): void => {
    const urls = parseIceUrls(turnUrls)
    controller.setIce(
      parseIceUrls(stunText),
      urls.length > 0 ? { urls, username: turnUser, credential: turnPass } : null,
    )
    setSaved(true)
  }

  return (
    <div className="page settings">
      <header className="page-head">
        <h1>{t('settings.title')}</h1>
      </header>
      <section className="card form-grid">
        <div className="field">
          <label htmlFor={`${id}-lang`}>{t('settings.language')}</label>
          <select
            id={`${id}-lang`}
            value={language}
            onChange={(e) => controller.setLanguage(e.target.value as LanguagePref)}
          >
            <option value="system">
              {t('settings.languageSystem', { lang: sys === 'zh-CN' ? '简体中文' : 'English' })}
            </option>
            <option value="en">English</option>
            <option value="zh-CN">简体中文</option>
          </select>
        </div>
        <fieldset className="field">
          <legend>{t('settings.theme')}</legend>
          <div className="segmented">
            {(['system', 'light', 'dark'] as ThemePref[]).map((value) => (
              <label key={value} className={theme === value ? 'active' : ''}>
                <input
                  type="radio"
                  name={`${id}-theme`}
                  value={value}
                  checked={theme === value}
                  onChange={() => controller.setTheme(value)}
                />
                {t(`settings.theme${value[0]?.toUpperCase()}${value.slice(1)}`)}
              </label>
            ))}
          </div>
        </fieldset>
      </section>
      <section className="card" aria-labelledby={`${id}-acct`}>
        <h2 id={`${id}-acct`} className="section-title">
          {t('settings.account')}
        </h2>
        <dl className="facts facts-inline">
          <div>
            <dt>{t('auth.username')}</dt>
            <dd>@{user?.username}</dd>
          </div>
          <div>
            <dt>{t('settings.server')}</dt>
            <dd>{serverUrl}</dd>
          </div>
        </dl>
        <button type="button" className="btn btn-soft" onClick={() => void controller.signOut()}>
          <Icon name="logout" size={18} />
          {t('settings.signOut')}
        </button>
      </section>
      <section className="card form-grid" aria-labelledby={`${id}-net`}>
        <h2 id={`${id}-net`} className="section-title">
          {t('settings.network')}
        </h2>
        <div className="field">
          <label htmlFor={`${id}-stun`}>{t('settings.stun')}</label>
          <textarea
            id={`${id}-stun`}
            rows={3}
            value={stunText}
            onChange={(e) => {
              setStunText(e.target.value)
              setSaved(false)
            }}
            aria-describedby={`${id}-stun-hint`}
          />
          <small id={`${id}-stun-hint`}>{t('settings.stunHint')}</small>
        </div>
        <div className="field">
          <label htmlFor={`${id}-turn`}>{t('settings.turnUrls')}</label>
          <textarea
            id={`${id}-turn`}
            rows={2}
            value={turnUrls}
            placeholder="turn:turn.example.org:3478"
            onChange={(e) => {
              setTurnUrls(e.target.value)
              setSaved(false)
            }}
          />
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-tu`}>{t('settings.turnUsername')}</label>
            <input
              id={`${id}-tu`}
              value={turnUser}
              autoComplete="off"
              onChange={(e) => setTurnUser(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-tp`}>{t('settings.turnCredential')}</label>
            <input
              id={`${id}-tp`}
              type="password"
              autoComplete="off"
              value={turnPass}
              onChange={(e) => setTurnPass(e.target.value)}
            />
          </div>
        </div>
        <div className="row-actions start">
          <button type="button" className="btn btn-primary" onClick={saveNetwork}>
            {t('settings.save')}
          </button>
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => {
              setStunText(DEFAULT_STUN_URLS.join('\n'))
              controller.setIce(null, null)
              setSaved(true)
            }}
          >
            {t('settings.reset')}
          </button>
          <span role="status" className="muted">
            {saved ? t('settings.saved') : ''}
          </span>
        </div>
      </section>
      {desktop !== null && <DesktopSettingsSection api={desktop} />}
      <section className="card" aria-labelledby={`${id}-privacy`}>
        <h2 id={`${id}-privacy`} className="section-title">
          {t('settings.privacy')}
        </h2>
        <p className="muted" id={`${id}-reports-hint`}>
          {t('settings.reportsHint')}
        </p>
        <div className="row-actions start">
          <button
            type="button"
            className="btn btn-soft"
            aria-describedby={`${id}-reports-hint`}
            onClick={() => {
              clearReports()
              setReportsCleared(true)
            }}
          >
            {t('settings.clearReports')}
          </button>
          <span role="status" className="muted">
            {reportsCleared ? t('settings.reportsCleared') : ''}
          </span>
        </div>
      </section>
    </div>
  )
}
