/**
 * What the *other* person sees when the caller presses Verify: the move to make, a short
 * countdown, and the time left. Driven by a clock prop so tests need no timers; Escape dismisses.
 */
import type { ReactElement } from 'react'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ClientDataOf } from 'veracall-signaling/protocol'
import { CHALLENGE_COUNTDOWN_MS } from 'veracall-signaling/protocol'
import { useEscapeKey } from '../components/use-escape-key.js'

export interface ChallengePromptProps {
  challenge: ClientDataOf<'challenge'> & { receivedAt: number }
  onDismiss: () => void
  /** Injectable clock (ms). */
  now?: () => number
}

export function ChallengePrompt({
  challenge,
  onDismiss,
  now = Date.now,
}: ChallengePromptProps): ReactElement | null {
  const { t } = useTranslation()
  const [elapsed, setElapsed] = useState(() => now() - challenge.receivedAt)
  useEffect(() => {
    const timer = setInterval(() => setElapsed(now() - challenge.receivedAt), 250)
    return () => clearInterval(timer)
  }, [challenge, now])
  useEffect(() => {
    if (elapsed >= challenge.duration_ms) onDismiss()
  }, [elapsed, challenge.duration_ms, onDismiss])
  useEscapeKey(onDismiss)

  const countdown = elapsed < CHALLENGE_COUNTDOWN_MS
  const seconds = Math.max(
    0,
    Math.ceil(((countdown ? CHALLENGE_COUNTDOWN_MS : challenge.duration_ms) - elapsed) / 1000),
  )
  return (
    <div
      className="challenge-prompt"
      role="alert"
      data-kind={challenge.kind}
      data-phase={countdown ? 'countdown' : 'now'}
    >
      <strong>{t('security.challenge.prompt.title')}</strong>
      <p className="challenge-prompt-move">{t(`security.challenge.prompt.${challenge.kind}`)}</p>
      <p className="challenge-prompt-time" aria-live="polite">
        {countdown
          ? t('security.challenge.prompt.countdown', { seconds })
          : t('security.challenge.prompt.now', { seconds })}
      </p>
      <p className="challenge-prompt-why">{t('security.challenge.prompt.why')}</p>
      <button type="button" onClick={onDismiss}>
        {t('security.challenge.prompt.dismiss')}
      </button>
    </div>
  )
}
