import {
  createTranslator,
  systemLanguage,
  type Language,
  type Translate,
} from '../../shared/i18n/index.js'
import type { LanguagePref } from '../../shared/ipc-contract.js'

/** The language main speaks: the one chosen in the app, the OS's (app.getLocale()) for 'system'. */
export function mainLanguage(pref: LanguagePref, osLocale: string): Language {
  return pref === 'system' ? systemLanguage([osLocale]) : pref
}

export interface MainTranslator {
  /** Translates in the current language: hand this to the tray, notifier and dialogs. */
  t: Translate
  /** Switches language: later strings are in it (what is on screen must be redrawn). */
  setLanguage(language: Language): void
}

/** Main's translator, switchable live: one i18next instance per language, made on first use. */
export function createMainTranslator(initial: Language): MainTranslator {
  const made = new Map<Language, Translate>()
  let current = initial
  const translatorFor = (language: Language): Translate => {
    let t = made.get(language)
    if (t === undefined) {
      t = createTranslator(language)
      made.set(language, t)
    }
    return t
  }
  return {
    t: (key, values) => translatorFor(current)(key, values),
    setLanguage(language) {
      current = language
    },
  }
}
