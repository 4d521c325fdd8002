/**
 * The call screen's recording parts: the Record / Stop button, this side's "Recording" chip, and
 * the persistent banner shown while the other person records the call (consent made visible).
 */
import type { ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import { useApp, useController } from '../app/context.js'
import { Icon } from './Icon.js'

export function RecordButton({ disabled }: { disabled?: boolean }): ReactElement {
  const { t } = useTranslation()
  const controller = useController()
  const recording = useApp((s) => s.recording.local)
  const label = recording ? t('recording.stop') : t('recording.start')
  return (
    <button
      type="button"
      className={`btn btn-round ${recording ? 'btn-recording' : 'btn-glass'}`}
      aria-pressed={recording}
      aria-label={label}
      title={label}
      disabled={disabled}
      onClick={() => {
        if (recording) void controller.call.recording.stop()
        else controller.call.recording.start()
      }}
    >
      <Icon name={recording ? 'stop' : 'record'} size={24} />
    </button>
  )
}

export function RecordingBanners({ peerName }: { peerName: string }): ReactElement | null {
  const { t } = useTranslation()
  const controller = useController()
  const { local, remote, error } = useApp((s) => s.recording)
  if (!local && !remote && !error) return null
  return (
    <div className="recording-banners">
      {remote && (
        <div className="recording-banner" role="status" data-testid="recording-banner">
          <span className="recording-dot" aria-hidden="true" />
          {t('recording.beingRecorded', { name: peerName })}
        </div>
      )}
      {local && (
        <div className="recording-banner recording-self" role="status" data-testid="recording-self">
          <span className="recording-dot" aria-hidden="true" />
          {t('recording.recording')}
        </div>
      )}
      {error && (
        <div className="recording-banner recording-error" role="alert">
          <span>
            {t(error === 'unsupported' ? 'recording.unsupported' : 'recording.saveFailed')}
          </span>
          <button
            type="button"
            className="btn btn-icon btn-ghost"
            onClick={() => controller.call.recording.dismissError()}
            aria-label={t('common.close')}
          >
            <Icon name="close" size={16} />
          </button>
        </div>
      )}
    </div>
  )
}
