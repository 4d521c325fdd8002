import type { i18n as I18n } from 'i18next'
import type { DetectorStatus } from '../../../shared/detection.js'

/**
 * The security panel's sentence for an unavailable detector. A port may give its reason as a code
 * with words of its own under `security.reasons.*` (the web build's do, so they read in the user's
 * language); any other reason (the desktop detector's) is shown as given.
 */
export function unavailableExplanation(
  i18n: Pick<I18n, 't' | 'exists'>,
  status: Pick<DetectorStatus, 'reason'> | null,
): string {
  const given = status?.reason
  if (!given) return i18n.t('security.explain.unavailableNoReason')
  const key = `security.reasons.${given}`
  const reason = i18n.exists(key) ? i18n.t(key) : given
  return i18n.t('security.explain.unavailable', { reason })
}
