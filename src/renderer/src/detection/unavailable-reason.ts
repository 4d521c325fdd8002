import type { i18n as I18n } from 'i18next'
import type { DetectorStatus } from '../../../shared/detection.js'

type Reason = Pick<DetectorStatus, 'reason' | 'code'>

/** The code a status gives for being unavailable: `code`, or a `reason` that is itself a code. */
function reasonCode(i18n: Pick<I18n, 'exists'>, status: Reason): string | null {
  if (status.code !== undefined) return status.code
  const given = status.reason
  return given && i18n.exists(`security.reasons.${given}`) ? given : null
}

/**
 * The security panel's sentence for an unavailable detector, worded from the status's code
 * (`security.reasons.*`), so it reads in the user's language. A reason without a code (from a
 * port that predates codes) is shown as given; the technical detail beside a code is not part of
 * the sentence (see unavailableDetail).
 */
export function unavailableExplanation(
  i18n: Pick<I18n, 't' | 'exists'>,
  status: Reason | null,
): string {
  const code = status === null ? null : reasonCode(i18n, status)
  if (code !== null) {
    return i18n.t('security.explain.unavailable', { reason: i18n.t(`security.reasons.${code}`) })
  }
  if (!status?.reason) return i18n.t('security.explain.unavailableNoReason')
  return i18n.t('security.explain.unavailable', { reason: status.reason })
}

/** The technical detail (English, as the detector gave it) shown apart from the sentence, if any. */
export function unavailableDetail(status: Reason | null): string | null {
  if (status?.code === undefined || !status.reason || status.reason === status.code) return null
  return status.reason
}
