import type { ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import { useApp } from '../app/context.js'

/**
 * The getStats() figures of the last sample. It reads the sample from the store itself, so a
 * stats tick re-renders this panel (when open) rather than the whole call screen.
 */
export function QualityPanel({ id }: { id: string }): ReactElement {
  const { t } = useTranslation()
  const sample = useApp((s) => s.quality)
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
