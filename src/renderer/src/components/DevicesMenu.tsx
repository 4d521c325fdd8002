import type { ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import { useApp, useController } from '../app/context.js'
import { DevicePicker } from './DevicePicker.js'
import { useEscapeKey } from './use-escape-key.js'

/** The call screen's camera, microphone and speaker pickers. */
export function DevicesMenu({ onClose }: { onClose: () => void }): ReactElement {
  const { t } = useTranslation()
  const controller = useController()
  const cameras = useApp((s) => s.cameras)
  const microphones = useApp((s) => s.microphones)
  const speakers = useApp((s) => s.speakers)
  const cameraId = useApp((s) => s.cameraId)
  const microphoneId = useApp((s) => s.microphoneId)
  const speakerId = useApp((s) => s.speakerId)
  const canChooseSpeaker = useApp((s) => s.canChooseSpeaker)
  const callType = useApp((s) => s.callType)
  // Until the devices are open and the call exists, a pick could not be applied (see
  // DeviceController.switchDevice): the pickers wait rather than show a device not in use.
  const opening = useApp((s) => s.localStream === null || s.call === null)
  useEscapeKey(onClose)
  return (
    <div className="devices-menu" role="dialog" aria-label={t('call.devices')}>
      {opening && <p className="muted small">{t('call.devicesOpening')}</p>}
      {callType === 'video' && (
        <DevicePicker
          label={t('call.camera')}
          devices={cameras}
          value={cameraId}
          disabled={opening}
          onChange={(id) => void controller.devices.switchDevice('camera', id)}
        />
      )}
      <DevicePicker
        label={t('call.microphone')}
        devices={microphones}
        value={microphoneId}
        disabled={opening}
        onChange={(id) => void controller.devices.switchDevice('microphone', id)}
      />
      {canChooseSpeaker ? (
        <DevicePicker
          label={t('call.speaker')}
          devices={speakers}
          value={speakerId}
          onChange={(id) => void controller.devices.switchDevice('speaker', id)}
        />
      ) : (
        <p className="muted small">{t('call.speakerUnsupported')}</p>
      )}
      <button type="button" className="btn btn-ghost btn-block" onClick={onClose}>
        {t('common.close')}
      </button>
    </div>
  )
}
