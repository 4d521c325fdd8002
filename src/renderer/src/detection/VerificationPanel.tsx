/**
 * The call's verification code in the security panel: the code in two groups, the hint to compare
 * it with the other person (and what a 6-digit code can and cannot catch), and the "Matches" /
 * "Doesn't match" choice that goes into the call's security report. A plain view of the store's
 * `verification` slice.
 */
import type { ReactElement } from 'react'
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import type { VerificationRecord } from '../../../shared/detection.js'
import type { VerificationState } from '../store/slices/verification.js'

export function VerificationPanel(props: {
  verification: VerificationState
  onChoose: (result: VerificationRecord['result']) => void
}): ReactElement {
  const { verification, onChoose } = props
  const { code, failed, choice } = verification
  const { t } = useTranslation()
  const titleId = useId()
  const hintId = useId()
  return (
    <section
      className="verification-panel"
      aria-labelledby={titleId}
      data-testid="verification"
      data-choice={choice ?? ''}
    >
      <h3 id={titleId}>{t('verification.title')}</h3>
      {code === null ? (
        <p className="security-note" role="status">
          {t(failed ? 'verification.failed' : 'verification.waiting')}
        </p>
      ) : (
        <>
          <p className="verification-compare">{t('verification.compare')}</p>
          <p
            className="verification-code"
            data-testid="verification-code"
            aria-label={t('verification.codeLabel', { code: code.split('').join(' ') })}
          >
            {code}
          </p>
          <div className="verification-choice" role="group" aria-label={t('verification.choice')}>
            <button
              type="button"
              className={`btn ${choice === 'match' ? 'btn-primary' : 'btn-ghost'}`}
              aria-pressed={choice === 'match'}
              aria-describedby={hintId}
              onClick={() => onChoose('match')}
            >
              {t('verification.match')}
            </button>
            <button
              type="button"
              className={`btn ${choice === 'mismatch' ? 'btn-danger' : 'btn-ghost'}`}
              aria-pressed={choice === 'mismatch'}
              aria-describedby={hintId}
              onClick={() => onChoose('mismatch')}
            >
              {t('verification.mismatch')}
            </button>
          </div>
          {choice && (
            <p
              className={`verification-result verification-${choice}`}
              role={choice === 'mismatch' ? 'alert' : 'status'}
            >
              {t(choice === 'match' ? 'verification.matched' : 'verification.mismatched')}
            </p>
          )}
          <p className="verification-hint" id={hintId}>
            {t('verification.hint')}
          </p>
        </>
      )}
    </section>
  )
}
