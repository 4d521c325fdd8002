/** The renderer's binding of the shared translation tree (src/shared/i18n) to React. */
import i18next, { type i18n as I18n } from 'i18next'
import { initReactI18next } from 'react-i18next'
import { i18nOptions } from '../../../shared/i18n/index.js'
import type { Language } from './language.js'

export { resolveLanguage, systemLanguage, type Language } from './language.js'

export function createI18n(language: Language): I18n {
  const instance = i18next.createInstance()
  void instance.use(initReactI18next).init(i18nOptions(language))
  return instance
}
