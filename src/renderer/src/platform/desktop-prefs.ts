import type Type from 'typebox'
import Value from 'typebox/value'
import { SettingsPatch, type Settings, type VeracallApi } from '../../../shared/ipc-contract.js'
import { PREFS_KEY, loadPrefs, type Prefs } from '../controller/prefs.js'
import type { PrefsStore } from './platform.js'

/** The renderer's part of main's settings ('' is the default server: null in Prefs). */
function prefsFromSettings(settings: Settings): Prefs {
  return {
    language: settings.language,
    theme: settings.theme,
    serverUrl: settings.serverUrl === '' ? null : settings.serverUrl,
    stunUrls: settings.stunUrls,
    turnUrls: settings.turnUrls,
    turnUsername: settings.turnUsername,
    lastUsername: settings.lastUsername,
  }
}

/**
 * A prefs change as a settings patch, keeping only the fields main's schema accepts (a value it
 * would refuse, e.g. an over-long list, is left out rather than failing the whole change).
 */
function settingsPatchFrom(patch: Partial<Prefs>): SettingsPatch {
  const wanted: Record<string, unknown> = { ...patch }
  if ('serverUrl' in patch) wanted['serverUrl'] = patch.serverUrl ?? ''
  const schemas = SettingsPatch.properties as unknown as Record<string, Type.TSchema | undefined>
  const accepted: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(wanted)) {
    const schema = schemas[key]
    if (value !== undefined && schema !== undefined && Value.Check(schema, value))
      accepted[key] = value
    else console.warn(`prefs: ${key} not kept`)
  }
  return accepted as SettingsPatch
}

/**
 * The desktop app's PrefsStore: main's settings file. On the first launch after the move, the
 * prefs this renderer kept in localStorage are copied into main's settings and then removed
 * there, so there is one owner; if main cannot save them they stay and the copy is retried.
 */
export function createDesktopPrefsStore(
  api: VeracallApi,
  storage: Pick<Storage, 'getItem' | 'removeItem'> | null,
): PrefsStore {
  return {
    async load() {
      try {
        const current = await api.settingsGet()
        if (!current.ok) throw new Error(current.error.code)
        if (current.value.localPrefsImported) return prefsFromSettings(current.value)
        const old = loadPrefs(storage)
        const moved = await api.settingsUpdate({
          ...settingsPatchFrom(old),
          localPrefsImported: true,
        })
        if (!moved.ok) throw new Error(moved.error.code)
        storage?.removeItem(PREFS_KEY)
        return prefsFromSettings(moved.value)
      } catch (err) {
        console.warn('prefs: main settings unavailable', err)
        return loadPrefs(storage)
      }
    },
    async save(patch) {
      try {
        const change = { ...patch }
        // The embedded server gets a free port each launch: signing in to it is kept as the
        // default ('') rather than as this launch's address, which would be dead next time.
        if (typeof change.serverUrl === 'string') {
          const info = await api.serverGetInfo()
          if (info.ok && info.value.localUrl === change.serverUrl) change.serverUrl = null
        }
        const result = await api.settingsUpdate(settingsPatchFrom(change))
        if (!result.ok) console.warn('prefs: not saved', result.error.code)
      } catch (err) {
        console.warn('prefs: not saved', err)
      }
    },
  }
}
