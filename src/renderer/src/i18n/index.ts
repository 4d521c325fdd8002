import i18next, { type i18n as I18n } from 'i18next'
import { initReactI18next } from 'react-i18next'
import en from './locales/en.js'
import zhCN from './locales/zh-CN.js'

import { SUPPORTED_LANGUAGES, type Language } from './language.js'

export { resolveLanguage, systemLanguage, type Language } from './language.js'

type Resources = Record<string, unknown>
/**
 * The detection panel's strings (`../detection/locales.ts`, exporting `{ en, 'zh-CN' }`), picked
 * up when that module exists; they are available both in the default namespace and as
 * `detection`.
 */
const detectionModules = import.meta.glob<{
  en?: Resources
  'zh-CN'?: Resources
  default?: { en?: Resources; 'zh-CN'?: Resources }
}>('../detection/locales.ts', { eager: true })

function detectionStrings(lang: Language): Resources {
  for (const mod of Object.values(detectionModules)) {
    const found = mod[lang] ?? mod.default?.[lang]
    if (found) return found
  }
  return {}
}

export function createI18n(language: Language): I18n {
  const instance = i18next.createInstance()
  const resources = {
    en: { translation: { ...detectionStrings('en'), ...en }, detection: detectionStrings('en') },
    'zh-CN': {
      translation: { ...detectionStrings('zh-CN'), ...zhCN },
      detection: detectionStrings('zh-CN'),
    },
  }
  void instance.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: 'en',
    supportedLngs: [...SUPPORTED_LANGUAGES],
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  })
  return instance
}
