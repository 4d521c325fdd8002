import type { ComponentType, ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import type { ChallengeKind, DetectionPort, SecurityReport } from '../../../shared/detection.js'
import { Icon } from './Icon.js'

export interface SecurityPanelProps {
  callId: number | null
  remoteVideo: HTMLVideoElement | null
  port: DetectionPort | null
  /** Receives the call's security report when the session ends. */
  onReport?: (report: SecurityReport) => void
  /** Sends a Verify challenge to the other person's app. */
  onChallenge?: (kind: ChallengeKind) => boolean
}

/**
 * The detection work (issue 4) provides `detection/SecurityPanel.tsx`; it is mounted here when
 * present, so the call screen builds with or without it.
 */
const panels = import.meta.glob<{ SecurityPanel?: ComponentType<SecurityPanelProps> }>(
  '../detection/SecurityPanel.tsx',
  { eager: true },
)
const SecurityPanel = Object.values(panels)[0]?.SecurityPanel ?? null

export function SecuritySlot(props: SecurityPanelProps): ReactElement {
  const { t } = useTranslation()
  if (SecurityPanel) return <SecurityPanel {...props} />
  return (
    <div className="security-placeholder" role="note">
      <Icon name="shield" size={18} />
      <span>{t('call.securityPending')}</span>
    </div>
  )
}
