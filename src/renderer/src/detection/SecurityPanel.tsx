/**
 * The call screen's security indicator: the risk level in words and colour (never colour alone),
 * a short explanation on hover or keyboard focus, a sparkline of the last minute, an on/off switch,
 * a clear "unavailable" state, and the optional Verify check. A plain view of the store's `risk`
 * slice: the call controller runs the detection and writes that slice.
 */
import type { CSSProperties, ReactElement } from 'react'
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { RiskLevel } from '../../../shared/detection.js'
import { riskAvailable, riskLevel, type RiskState } from '../store/slices/risk.js'
import { Sparkline } from './Sparkline.js'
import { unavailableDetail, unavailableExplanation } from './unavailable-reason.js'

export interface SecurityPanelProps {
  risk: RiskState
  /** The on/off switch was flipped. */
  onEnabledChange?: (enabled: boolean) => void
  /** Verify was pressed. */
  onVerify?: () => void
}

/** What the badge shows: the detector's level, or the pause while the other side shares a screen. */
type ShownLevel = RiskLevel | 'screen_share'

const COLOURS: Record<ShownLevel, string> = {
  off: '#6b7280',
  unavailable: '#6b7280',
  analysing: '#2563eb',
  no_face: '#6b7280',
  insufficient_quality: '#a16207',
  low: '#15803d',
  elevated: '#c2410c',
  high: '#b91c1c',
  screen_share: '#6b7280',
}
/** A shape per level so the state reads without colour too. */
const SYMBOLS: Record<ShownLevel, string> = {
  off: '○',
  unavailable: '⊘',
  analysing: '◌',
  no_face: '?',
  insufficient_quality: '≈',
  low: '✓',
  elevated: '!',
  high: '‼',
  screen_share: '‖',
}

export function SecurityPanel(props: SecurityPanelProps): ReactElement {
  const { risk, onEnabledChange, onVerify } = props
  const { t, i18n } = useTranslation()
  const [showHelp, setShowHelp] = useState(false)
  const helpId = useId()
  const { enabled, status, update, verifying } = risk
  const detected = riskLevel(risk)
  // A shared screen has no face to check: say so rather than "No face" (the sampler is paused).
  const paused = risk.screenShare && detected !== 'off' && detected !== 'unavailable'
  const level: ShownLevel = paused ? 'screen_share' : detected
  const available = riskAvailable(risk) && !paused

  const explanation =
    level === 'unavailable' ? unavailableExplanation(i18n, status) : t(`security.explain.${level}`)
  const detail = level === 'unavailable' ? unavailableDetail(status) : null
  const model = update?.model ?? status?.model ?? null
  const colour = COLOURS[level]

  const challenge = update?.challenge
  const challengeText = !challenge
    ? null
    : challenge.state === 'running'
      ? t(`security.challenge.sent.${challenge.kind}`)
      : t(`security.challenge.${challenge.state}`)

  const badge: CSSProperties = {
    display: 'inline-flex',
    alignItems: 'center',
    gap: '0.4em',
    padding: '0.2em 0.6em',
    borderRadius: '999px',
    border: `2px solid ${colour}`,
    color: colour,
    fontWeight: 600,
    background: 'transparent',
    cursor: 'help',
  }

  return (
    <section className="security-panel" aria-label={t('security.title')} data-level={level}>
      <div
        className="security-panel-row"
        style={{ display: 'flex', alignItems: 'center', gap: '0.6em' }}
      >
        <button
          type="button"
          style={badge}
          aria-describedby={helpId}
          onMouseEnter={() => setShowHelp(true)}
          onMouseLeave={() => setShowHelp(false)}
          onFocus={() => setShowHelp(true)}
          onBlur={() => setShowHelp(false)}
        >
          <span aria-hidden="true">{SYMBOLS[level]}</span>
          <span role="status" aria-live="polite">
            {t(`security.level.${level}`)}
          </span>
        </button>
        {enabled && available && (
          <span style={{ color: colour }}>
            <Sparkline values={update?.history ?? []} label={t('security.sparkline')} />
          </span>
        )}
        <label style={{ display: 'inline-flex', alignItems: 'center', gap: '0.3em' }}>
          <input
            type="checkbox"
            role="switch"
            checked={enabled}
            aria-checked={enabled}
            onChange={(e) => onEnabledChange?.(e.currentTarget.checked)}
          />
          {t('security.toggle')}
        </label>
        {enabled && available && (
          <button type="button" onClick={onVerify} disabled={verifying}>
            {t('security.verify')}
          </button>
        )}
      </div>
      {enabled && challengeText && (
        <p
          className="security-challenge"
          role="status"
          data-challenge={challenge?.state}
          style={{ fontSize: '0.85em', margin: '0.4em 0 0' }}
        >
          {challengeText}
        </p>
      )}
      <div
        id={helpId}
        role="tooltip"
        className="security-panel-help"
        hidden={!showHelp && !verifying}
        style={{ maxWidth: '28em', fontSize: '0.85em' }}
      >
        <p>{verifying ? t('security.verifyHint') : explanation}</p>
        {!verifying && detail !== null && (
          <p className="security-panel-detail">
            {t('security.technicalDetail')} <code lang="en">{detail}</code>
          </p>
        )}
        {!verifying && <p>{t('security.local')}</p>}
        {!verifying && model && (
          <p>{t('security.model', { name: model.name, version: model.version })}</p>
        )}
      </div>
    </section>
  )
}
