import type { ReactElement, Ref } from 'react'
import { useTranslation } from 'react-i18next'
import { isSearchable, MIN_SEARCH_LENGTH } from '../controller/search-query.js'
import { Icon } from './Icon.js'

/**
 * The people search box of the home screen and of Add person, with the minimum-length hint the
 * field points to while the text is too short (the server finds people one search at a time and
 * never lists everyone).
 */
export function PeopleSearchField({
  id,
  value,
  onChange,
  inputRef,
}: {
  /** A useId() value: the field is `${id}-q`, its hint `${id}-hint`. */
  id: string
  value: string
  onChange: (text: string) => void
  inputRef?: Ref<HTMLInputElement>
}): ReactElement {
  const { t } = useTranslation()
  const searchable = isSearchable(value)
  return (
    <>
      <div className="search">
        <Icon name="search" />
        <label htmlFor={`${id}-q`} className="sr-only">
          {t('home.searchLabel')}
        </label>
        <input
          ref={inputRef}
          id={`${id}-q`}
          type="search"
          placeholder={t('home.searchPlaceholder')}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          autoComplete="off"
          {...(!searchable && { 'aria-describedby': `${id}-hint` })}
        />
      </div>
      {!searchable && (
        <p id={`${id}-hint`} className="muted search-hint">
          {t('home.searchHint', { min: MIN_SEARCH_LENGTH })}
        </p>
      )}
    </>
  )
}
