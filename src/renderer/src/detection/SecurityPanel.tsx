/**
 * The call screen's security indicator: the risk level in words and colour (never colour alone),
 * a short explanation on hover or keyboard focus, a sparkline of the last minute, an on/off switch,
 * a clear "unavailable" state, and the optional Verify check. Scores come only from the port.
 */
import type { CSSProperties, ReactElement } from 'react'
import { useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type {
  ChallengeKind,
  DetectionPort,
  DetectorStatus,
  RiskLevel,
  RiskUpdate,
  SecurityReport,
} from '../../../shared/detection.js'
import type { Sampler } from './frame-sampler.js'
import { startSampler } from './frame-sampler.js'
import { Sparkline } from './Sparkline.js'
import { unavailableExplanation } from './unavailable-reason.js'
import { CHALLENGE_DURATION_MS } from 'veracall-signaling/protocol'

export interface SecurityPanelProps {
  callId: number | null
  remoteVideo: HTMLVideoElement | null
  port: DetectionPort | null
  /** Receives the call's security report when the session ends (kept locally by the caller). */
  onReport?: (report: SecurityReport) => void
  /** Sends a liveness challenge to the other person's app (Verify); false if it could not. */
  onChallenge?: (kind: ChallengeKind) => boolean
}

/** Verify alternates between the two moves, so a prepared fake cannot rehearse one. */
const CHALLENGE_ORDER: readonly ChallengeKind[] = ['turn_head', 'pass_hand']

const COLOURS: Record<RiskLevel, string> = {
  off: '#6b7280',
  unavailable: '#6b7280',
  analysing: '#2563eb',
  no_face: '#6b7280',
  insufficient_quality: '#a16207',
  low: '#15803d',
  elevated: '#c2410c',
  high: '#b91c1c',
}
/** A shape per level so the state reads without colour too. */
const SYMBOLS: Record<RiskLevel, string> = {
  off: '○',
  unavailable: '⊘',
  analysing: '◌',
  no_face: '?',
  insufficient_quality: '≈',
  low: '✓',
  elevated: '!',
  high: '‼',
}

export function SecurityPanel(props: SecurityPanelProps): ReactElement {
  const { callId, remoteVideo, port, onReport, onChallenge } = props
  const { t, i18n } = useTranslation()
  const [enabled, setEnabled] = useState(true)
  const [status, setStatus] = useState<DetectorStatus | null>(null)
  const [update, setUpdate] = useState<RiskUpdate | null>(null)
  const [verifying, setVerifying] = useState(false)
  const [showHelp, setShowHelp] = useState(false)
  const sampler = useRef<Sampler | null>(null)
  const challenges = useRef(0)
  const helpId = useId()
  const reportRef = useRef(onReport)
  reportRef.current = onReport

  useEffect(() => {
    if (!port) return
    let live = true
    port.status().then(
      (s) => live && setStatus(s),
      () => live && setStatus({ available: false, model: null, fps: 0 }),
    )
    return () => {
      live = false
    }
  }, [port])

  useEffect(() => {
    if (!port || callId === null) return
    return port.onRisk((u) => {
      if (u.callId === callId) setUpdate(u)
    })
  }, [port, callId])

  const available = port !== null && status?.available === true
  useEffect(() => {
    if (!port || !available || !enabled || callId === null || !remoteVideo) return
    let stopped = false
    void port.startSession(callId).then(() => {
      if (stopped) return
      sampler.current = startSampler({ video: remoteVideo, callId, port, fps: status?.fps || 5 })
    })
    return () => {
      stopped = true
      sampler.current?.stop()
      sampler.current = null
      setUpdate(null)
      void port.endSession(callId).then((r) => r && reportRef.current?.(r))
    }
  }, [port, available, enabled, callId, remoteVideo, status?.fps])

  let level: RiskLevel
  if (!enabled) level = 'off'
  else if (!port || (status !== null && !status.available)) level = 'unavailable'
  else level = update?.level ?? 'analysing'

  const explanation =
    level === 'unavailable' ? unavailableExplanation(i18n, status) : t(`security.explain.${level}`)
  const model = update?.model ?? status?.model ?? null
  const colour = COLOURS[level]

  const verify = (): void => {
    if (callId === null || !port) return
    const kind = CHALLENGE_ORDER[challenges.current++ % CHALLENGE_ORDER.length] ?? 'turn_head'
    if (onChallenge && !onChallenge(kind)) return
    sampler.current?.boost(10, CHALLENGE_DURATION_MS)
    void port.verify?.(callId, kind)
    setVerifying(true)
    setTimeout(() => setVerifying(false), CHALLENGE_DURATION_MS)
  }
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
            onChange={(e) => setEnabled(e.currentTarget.checked)}
          />
          {t('security.toggle')}
        </label>
        {enabled && available && callId !== null && (
          <button type="button" onClick={verify} disabled={verifying}>
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
        {!verifying && <p>{t('security.local')}</p>}
        {!verifying && model && (
          <p>{t('security.model', { name: model.name, version: model.version })}</p>
        )}
      </div>
    </section>
  )
}
