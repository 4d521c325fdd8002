import type { LanguagePref, ThemePref } from '../../../shared/ipc-contract.js'
import type { PrefsStore } from '../platform/platform.js'

/**
 * Preferences kept across launches, behind the platform's PrefsStore (main's settings in the
 * desktop app, localStorage here in the web build). Deliberately no secrets here (checklist R3): no token, no
 * password, no TURN credential; only what a person would not mind anyone reading.
 */
export interface Prefs {
  language: LanguagePref
  theme: ThemePref
  serverUrl: string | null
  stunUrls: string[] | null
  turnUrls: string[]
  turnUsername: string
  lastUsername: string
}

export const PREFS_KEY = 'veracall.prefs'

export const DEFAULT_PREFS: Prefs = {
  language: 'system',
  theme: 'system',
  serverUrl: null,
  stunUrls: null,
  turnUrls: [],
  turnUsername: '',
  lastUsername: '',
}

const isStrings = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string')

/** Reads prefs, keeping only well-formed fields (a corrupt entry falls back to defaults). */
export function loadPrefs(storage: Pick<Storage, 'getItem'> | null): Prefs {
  let raw: unknown
  try {
    raw = JSON.parse(storage?.getItem(PREFS_KEY) ?? 'null')
  } catch {
    raw = null
  }
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULT_PREFS }
  const r = raw as Record<string, unknown>
  return {
    language: r.language === 'en' || r.language === 'zh-CN' ? r.language : 'system',
    theme: r.theme === 'light' || r.theme === 'dark' ? r.theme : 'system',
    serverUrl: typeof r.serverUrl === 'string' ? r.serverUrl : null,
    stunUrls: isStrings(r.stunUrls) ? r.stunUrls : null,
    turnUrls: isStrings(r.turnUrls) ? r.turnUrls : [],
    turnUsername: typeof r.turnUsername === 'string' ? r.turnUsername : '',
    lastUsername: typeof r.lastUsername === 'string' ? r.lastUsername : '',
  }
}

export function savePrefs(storage: Pick<Storage, 'setItem'> | null, prefs: Prefs): void {
  try {
    storage?.setItem(PREFS_KEY, JSON.stringify(prefs))
  } catch {
    // Storage full or disabled: preferences are a convenience, not a requirement.
  }
}

/** The web build's PrefsStore: localStorage under PREFS_KEY (null storage: nothing kept). */
export function createLocalPrefsStore(
  storage: Pick<Storage, 'getItem' | 'setItem'> | null,
): PrefsStore {
  return {
    load: async () => loadPrefs(storage),
    save: async (patch) => savePrefs(storage, { ...loadPrefs(storage), ...patch }),
  }
}
