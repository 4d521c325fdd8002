/**
 * The call screen's security indicator, one row per remote person: the risk level in words and
 * colour (never colour alone), a short explanation on hover or keyboard focus, a sparkline of the
 * last minute and the optional Verify check; one on/off switch and a clear "unavailable" state for
 * the call. A plain view of the store's `risk` slice: the call controller runs the detection and
 * writes that slice. A 1:1 call shows one row without a name, as before group calls.
 */
import type { CSSProperties, ReactElement } from 'react'
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { riskAvailable, shownLevel, type PeerRisk, type RiskState } from '../store/slices/risk.js'
import { RISK_COLOURS, RISK_SYMBOLS, worstLevel } from './risk-look.js'
import { Sparkline } from './Sparkline.js'
import { unavailableDetail, unavailableExplanation } from './unavailable-reason.js'

export interface SecurityPanelProps {
  risk: RiskState
  /** The on/off switch was flipped. */
  onEnabledChange?: (enabled: boolean) => void
  /** Verify was pressed for that person. */
  onVerify?: (peerId: string) => void
}

export function SecurityPanel(props: SecurityPanelProps): ReactElement {
  const { risk, onEnabledChange, onVerify } = props
  const { t } = useTranslation()
  const people = Object.entries(risk.peers)
  const named = people.length > 1
  // Before anyone's media connected, one row speaks for the call (analysing, off, unavailable).
  const rows: [string | null, PeerRisk | undefined][] =
    people.length > 0 ? people : [[null, undefined]]
  const levels = rows.map(([, peer]) => shownLevel(risk, peer))

  const toggle = (
    <label style={{ display: 'inline-flex', alignItems: 'center', gap: '0.3em' }}>
      <input
        type="checkbox"
        role="switch"
        checked={risk.enabled}
        aria-checked={risk.enabled}
        onChange={(e) => onEnabledChange?.(e.currentTarget.checked)}
      />
      {t('security.toggle')}
    </label>
  )

  return (
    <section
      className="security-panel"
      aria-label={t('security.title')}
      data-level={worstLevel(levels)}
    >
      {named && <div className="security-panel-row">{toggle}</div>}
      {rows.map(([peerId, peer]) => (
        <FaceRow
          key={peerId ?? ''}
          risk={risk}
          peerId={peerId}
          peer={peer}
          named={named}
          toggle={named ? null : toggle}
          onVerify={onVerify}
        />
      ))}
    </section>
  )
}

function FaceRow(props: {
  risk: RiskState
  peerId: string | null
  peer: PeerRisk | undefined
  /** Several people: each row says whose face it is. */
  named: boolean
  /** The call's switch, inside the row when there is only one. */
  toggle: ReactElement | null
  onVerify: SecurityPanelProps['onVerify']
}): ReactElement {
  const { risk, peerId, peer, named, toggle, onVerify } = props
  const { t, i18n } = useTranslation()
  const [showHelp, setShowHelp] = useState(false)
  const helpId = useId()
  const { enabled, status } = risk
  const update = peer?.update ?? null
  const verifying = peer?.verifying === true
  const level = shownLevel(risk, peer)
  const available = riskAvailable(risk) && level !== 'screen_share'

  const explanation =
    level === 'unavailable' ? unavailableExplanation(i18n, status) : t(`security.explain.${level}`)
  const detail = level === 'unavailable' ? unavailableDetail(status) : null
  const model = update?.model ?? status?.model ?? null
  const colour = RISK_COLOURS[level]

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
    <div className="security-peer" data-peer={peerId ?? undefined} data-level={level}>
      <div
        className="security-panel-row"
        style={{ display: 'flex', alignItems: 'center', gap: '0.6em' }}
      >
        {named && <span className="security-peer-name">{peer?.name}</span>}
        <button
          type="button"
          style={badge}
          aria-describedby={helpId}
          onMouseEnter={() => setShowHelp(true)}
          onMouseLeave={() => setShowHelp(false)}
          onFocus={() => setShowHelp(true)}
          onBlur={() => setShowHelp(false)}
        >
          <span aria-hidden="true">{RISK_SYMBOLS[level]}</span>
          <span role="status" aria-live="polite">
            {t(`security.level.${level}`)}
          </span>
        </button>
        {enabled && available && peer && (
          <span style={{ color: colour }}>
            <Sparkline
              values={update?.history ?? []}
              label={
                named ? t('security.sparklinePerson', { name: peer.name }) : t('security.sparkline')
              }
            />
          </span>
        )}
        {toggle}
        {enabled && available && peerId !== null && (
          <button
            type="button"
            onClick={() => onVerify?.(peerId)}
            disabled={verifying}
            aria-label={named ? t('security.verifyPerson', { name: peer?.name }) : undefined}
          >
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
    </div>
  )
}
