/**
 * The one translation tree of both processes: the renderer binds it to React (renderer/src/i18n)
 * and main translates its tray, notifications and dialogs with it. Isomorphic. The English catalog
 * defines the keys; the Chinese one is type-checked against it.
 */
import i18next from 'i18next'
import callPrivacy from './locales/call-privacy.js'
import en from './locales/en.js'
import native from './locales/native.js'
import security from './locales/security.js'
import zhCN from './locales/zh-CN.js'
import { SUPPORTED_LANGUAGES, type Language } from './language.js'

export { systemLanguage, type Language } from './language.js'

const enCatalog = { ...callPrivacy.en, ...security.en, ...native.en, ...en }
export type Catalog = typeof enCatalog

export const catalogs: Readonly<Record<Language, Catalog>> = {
  en: enCatalog,
  'zh-CN': { ...callPrivacy['zh-CN'], ...security['zh-CN'], ...native['zh-CN'], ...zhCN },
}

/** i18next options shared by both processes (same fallback, plural and interpolation rules). */
export function i18nOptions(language: Language) {
  return {
    resources: {
      en: { translation: catalogs.en },
      'zh-CN': { translation: catalogs['zh-CN'] },
    },
    lng: language,
    fallbackLng: 'en',
    supportedLngs: [...SUPPORTED_LANGUAGES],
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  } as const
}

/** Dotted keys of a catalog's strings, plural forms (`_one`, `_other`) folded into one key. */
type Keys<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string
    ? `${P}${K extends `${infer B}_${'one' | 'other'}` ? B : K}`
    : Keys<T[K], `${P}${K}.`>
}[keyof T & string]

/** A key of main's own strings. */
export type NativeKey = Keys<Catalog['native'], 'native.'>

export type Translate = (key: NativeKey, values?: Record<string, string | number>) => string

/** Main's translator: plain strings in `language`, no React. */
export function createTranslator(language: Language): Translate {
  const instance = i18next.createInstance()
  void instance.init(i18nOptions(language))
  return (key, values) => instance.t(key, values ?? {})
}
