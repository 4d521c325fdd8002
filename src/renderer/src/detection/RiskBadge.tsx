/**
 * One person's face-check level for their video tile: a symbol, the level in words and its colour.
 * Reads only that person's level from the store, so a tile re-renders when its own level changes.
 * Renders nothing while the call checks no face of theirs (audio call, media not connected yet).
 */
import { useMemo, type ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import { useApp } from '../app/context.js'
import { selectPeerLevel } from '../store/slices/risk.js'
import { RISK_COLOURS, RISK_SYMBOLS } from './risk-look.js'

export function RiskBadge(props: { peerId: string }): ReactElement | null {
  const { t } = useTranslation()
  const select = useMemo(() => selectPeerLevel(props.peerId), [props.peerId])
  const level = useApp(select)
  if (level === null) return null
  const colour = RISK_COLOURS[level]
  return (
    <span
      className="risk-badge"
      data-level={level}
      title={t(`security.explain.${level === 'unavailable' ? 'unavailableNoReason' : level}`)}
      style={{
        display: 'inline-flex',
        alignItems: 'center',
        gap: '0.3em',
        padding: '0.1em 0.5em',
        borderRadius: '999px',
        border: `2px solid ${colour}`,
        color: colour,
        background: 'rgba(255, 255, 255, 0.9)',
        fontSize: '0.8em',
        fontWeight: 600,
      }}
    >
      <span aria-hidden="true">{RISK_SYMBOLS[level]}</span>
      <span>{t('security.badge', { level: t(`security.level.${level}`) })}</span>
    </span>
  )
}
