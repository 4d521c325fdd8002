import { useEffect, useId, useMemo, type ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import { useStore } from 'zustand'
import {
  DEFAULT_ANALYSIS_RATE,
  type SettingsPatch,
  type VeracallApi,
} from '../../../shared/ipc-contract.js'
import { createDesktopSettings, type DesktopSettingsState } from '../controller/desktop-settings.js'

export interface DesktopSettingsViewProps {
  state: DesktopSettingsState
  onChange(patch: SettingsPatch): void
  onChooseModelFolder(): void
}

/** Main's settings, drawn from a plain state object (so it renders the same in a test). */
export function DesktopSettingsView({
  state,
  onChange,
  onChooseModelFolder,
}: DesktopSettingsViewProps): ReactElement {
  const { t } = useTranslation()
  const id = useId()
  const { settings, server, error } = state
  const check = (
    key:
      | 'doNotDisturb'
      | 'startAtLogin'
      | 'networkSharing'
      | 'detectionEnabled'
      | 'hideFromScreenCapture',
    hint?: string,
  ): ReactElement => (
    <div className="check-field">
      <input
        id={`${id}-${key}`}
        type="checkbox"
        checked={settings?.[key] ?? false}
        disabled={settings === null}
        onChange={(e) => onChange({ [key]: e.target.checked })}
        aria-describedby={hint === undefined ? undefined : `${id}-${key}-hint`}
      />
      <label htmlFor={`${id}-${key}`}>{t(`desktop.${key}`)}</label>
      {hint !== undefined && <small id={`${id}-${key}-hint`}>{hint}</small>}
    </div>
  )
  const rate = settings?.analysisRate ?? DEFAULT_ANALYSIS_RATE
  return (
    <section className="card form-grid desktop-settings" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="section-title">
        {t('desktop.title')}
      </h2>
      {check('doNotDisturb', t('desktop.doNotDisturbHint'))}
      {check('startAtLogin')}
      {check('networkSharing', t('desktop.networkSharingHint'))}
      {settings?.networkSharing === true && (
        <div className="lan-share" data-testid="lan-share">
          <p className="warning" role="note">
            {t('desktop.lanWarning')}
          </p>
          {server !== null && server.lanUrls.length > 0 ? (
            <>
              <p>{t('desktop.lanAddresses')}</p>
              <ul className="lan-urls">
                {server.lanUrls.map((url) => (
                  <li key={url}>
                    <code>{url}</code>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="muted">{t('desktop.lanNone')}</p>
          )}
        </div>
      )}
      {server?.secretEncrypted === false && (
        <p className="muted" role="note" data-testid="secret-unencrypted">
          {t('desktop.secretUnencrypted')}
        </p>
      )}
      {check('hideFromScreenCapture', t('desktop.hideFromScreenCaptureHint'))}
      {server?.error != null && (
        <p className="form-error" role="alert">
          {t('desktop.serverError', { error: server.error })}
        </p>
      )}
      {check('detectionEnabled')}
      <div className="field">
        <label htmlFor={`${id}-rate`}>{t('desktop.analysisRate', { rate })}</label>
        <input
          id={`${id}-rate`}
          type="range"
          min={1}
          max={10}
          step={1}
          value={rate}
          disabled={settings === null || !settings.detectionEnabled}
          aria-valuetext={t('desktop.analysisRateValue', { rate })}
          onChange={(e) => onChange({ analysisRate: Number(e.target.value) })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-model`}>{t('desktop.modelFolder')}</label>
        <div className="field-inline">
          <input
            id={`${id}-model`}
            readOnly
            value={settings?.customModelFolder ?? ''}
            placeholder={t('desktop.modelFolderBuiltIn')}
            aria-describedby={`${id}-model-hint`}
          />
          <button
            type="button"
            className="btn btn-soft"
            disabled={settings === null}
            onClick={onChooseModelFolder}
          >
            {t('desktop.modelFolderChoose')}
          </button>
          {settings?.customModelFolder != null && (
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => onChange({ customModelFolder: null })}
            >
              {t('desktop.modelFolderClear')}
            </button>
          )}
        </div>
        <small id={`${id}-model-hint`}>{t('desktop.modelFolderHint')}</small>
      </div>
      {error !== null && (
        <p className="form-error" role="alert" data-testid="desktop-settings-error">
          {error.kind === 'model'
            ? t('desktop.errors.model', { reason: error.reason })
            : t([`desktop.errors.${error.code}`, 'desktop.errors.other'], { code: error.code })}
        </p>
      )}
    </section>
  )
}

/** The Desktop section, bound to main through the preload API (Electron only). */
export function DesktopSettingsSection({ api }: { api: VeracallApi }): ReactElement {
  const model = useMemo(() => createDesktopSettings(api), [api])
  useEffect(() => model.connect(), [model])
  const state = useStore(model.store)
  return (
    <DesktopSettingsView
      state={state}
      onChange={(patch) => void model.update(patch)}
      onChooseModelFolder={() => void model.chooseModelFolder()}
    />
  )
}
