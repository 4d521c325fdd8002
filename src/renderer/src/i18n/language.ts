import type { LanguagePref } from '../store/slices/settings.js'
import { systemLanguage, type Language } from '../../../shared/i18n/language.js'

export { systemLanguage, type Language } from '../../../shared/i18n/language.js'

export function resolveLanguage(pref: LanguagePref, languages: readonly string[]): Language {
  return pref === 'system' ? systemLanguage(languages) : pref
}
