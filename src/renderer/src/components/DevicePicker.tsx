import { useId, type ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import type { Device } from '../store/slices/devices.js'

interface Props {
  label: string
  devices: Device[]
  value: string | null
  onChange: (deviceId: string) => void
  disabled?: boolean
}

export function DevicePicker({ label, devices, value, onChange, disabled }: Props): ReactElement {
  const { t } = useTranslation()
  const id = useId()
  return (
    <div className="field field-compact">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value ?? ''}
        disabled={disabled || devices.length === 0}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">{t('call.defaultDevice')}</option>
        {devices.map((d, i) => (
          <option key={d.deviceId || i} value={d.deviceId}>
            {d.label || t('call.unnamedDevice', { n: String(i + 1) })}
          </option>
        ))}
      </select>
    </div>
  )
}
