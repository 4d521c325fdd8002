import { useEffect, useMemo, useRef, type ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import type { ScreenSource } from '../../../shared/screen-sources.js'
import { CALL_SHORTCUTS, withShortcut } from './call-shortcuts.js'
import { Icon } from './Icon.js'

/** The persistent "You are sharing" bar, with Stop. */
export function SharingBar({ onStop }: { onStop: () => void }): ReactElement {
  const { t } = useTranslation()
  return (
    <div className="sharing-bar" role="status" data-testid="sharing-bar">
      <Icon name="screenShare" size={18} />
      <span>{t('call.sharingBar')}</span>
      <button
        type="button"
        className="btn btn-danger btn-small"
        onClick={onStop}
        aria-keyshortcuts={CALL_SHORTCUTS.share.aria}
        title={withShortcut(t('call.stopSharing'), 'share')}
      >
        {t('call.stopSharing')}
      </button>
    </div>
  )
}

/** One thumbnail as a blob: URL (the desktop CSP allows blob: images, not data:). */
function Thumbnail({ bytes, alt }: { bytes: Uint8Array; alt: string }): ReactElement | null {
  const url = useMemo(
    () =>
      bytes.byteLength > 0
        ? URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }))
        : null,
    [bytes],
  )
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url])
  return url ? (
    <img src={url} alt={alt} />
  ) : (
    <span className="screen-thumb-empty" aria-hidden="true">
      <Icon name="screenShare" size={32} />
    </span>
  )
}

/**
 * The desktop app's source picker: screens and windows with their thumbnails; Escape or Cancel
 * closes it with no choice. Each source is a button, so Tab and Enter pick one.
 */
export function ScreenSourcePicker({
  sources,
  onPick,
}: {
  sources: ScreenSource[]
  onPick: (id: string | null) => void
}): ReactElement {
  const { t } = useTranslation()
  const first = useRef<HTMLButtonElement | null>(null)
  useEffect(() => {
    first.current?.focus()
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onPick(null)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onPick])
  const groups: [string, ScreenSource[]][] = [
    [t('call.screenPicker.screens'), sources.filter((s) => s.kind === 'screen')],
    [t('call.screenPicker.windows'), sources.filter((s) => s.kind === 'window')],
  ]
  let index = 0
  return (
    <div
      className="screen-picker"
      role="dialog"
      aria-modal="true"
      aria-label={t('call.screenPicker.title')}
      data-testid="screen-picker"
    >
      <h2>{t('call.screenPicker.title')}</h2>
      {sources.length === 0 && <p>{t('call.screenPicker.empty')}</p>}
      {groups.map(([label, list]) =>
        list.length === 0 ? null : (
          <section key={label} aria-label={label}>
            <h3>{label}</h3>
            <ul className="screen-sources">
              {list.map((source) => {
                const ref = index++ === 0 ? first : undefined
                return (
                  <li key={source.id}>
                    <button
                      type="button"
                      ref={ref}
                      className="screen-source"
                      onClick={() => onPick(source.id)}
                      aria-label={`${t('call.screenPicker.share')}: ${source.name}`}
                    >
                      <Thumbnail bytes={source.thumbnail} alt="" />
                      <span className="screen-source-name">{source.name}</span>
                    </button>
                  </li>
                )
              })}
            </ul>
          </section>
        ),
      )}
      <button type="button" className="btn btn-ghost btn-block" onClick={() => onPick(null)}>
        {t('common.cancel')}
      </button>
    </div>
  )
}
