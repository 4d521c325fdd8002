import type { ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import type { QualitySample } from '../call/stats.js'

/** The getStats() figures of the last sample; presentational. */
export function QualityPanel({
  sample,
  id,
}: {
  sample: QualitySample | null
  id: string
}): ReactElement {
  const { t } = useTranslation()
  const na = t('quality.na')
  const rows: [string, string][] = [
    [t('quality.rtt'), sample?.rttMs != null ? `${sample.rttMs} ms` : na],
    [t('quality.loss'), sample?.lossPct != null ? `${sample.lossPct} %` : na],
    [t('quality.bitrate'), sample?.bitrateKbps != null ? `${sample.bitrateKbps} kbit/s` : na],
    [
      t('quality.resolution'),
      sample?.width && sample.height ? `${sample.width}×${sample.height}` : na,
    ],
    [t('quality.fps'), sample?.fps != null ? `${Math.round(sample.fps)}` : na],
  ]
  return (
    <div className="quality-panel" id={id} role="region" aria-label={t('quality.title')}>
      <h2>{t('quality.title')}</h2>
      <dl>
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </div>
  )
}
