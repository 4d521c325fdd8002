import Value from 'typebox/value'
import { DEFAULT_ANALYSIS_RATE, Settings, type SettingsPatch } from '../../shared/ipc-contract.js'

export { Settings }

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  serverUrl: '',
  doNotDisturb: false,
  startAtLogin: false,
  networkSharing: false,
  closeToTray: true,
  hideFromScreenCapture: false,
  language: 'system',
  theme: 'system',
  stunUrls: null,
  turnUrls: [],
  turnUsername: '',
  lastUsername: '',
  localPrefsImported: false,
  detectionEnabled: true,
  analysisRate: DEFAULT_ANALYSIS_RATE,
  customModelFolder: null,
})

export function defaultSettings(): Settings {
  return structuredClone(DEFAULT_SETTINGS) as Settings
}

/**
 * Turns whatever was on disk into valid settings: each valid field is kept, each missing or
 * invalid one falls back to its default, unknown fields are dropped. Never throws.
 */
export function coerceSettings(raw: unknown): { settings: Settings; repaired: string[] } {
  const settings = defaultSettings()
  const repaired: string[] = []
  const source = isRecord(raw) ? raw : {}
  if (!isRecord(raw)) repaired.push('(file)')
  const target = settings as Record<string, unknown>
  for (const key of Object.keys(Settings.properties) as (keyof Settings)[]) {
    if (!(key in source)) continue
    const value = source[key]
    if (Value.Check(Settings.properties[key], value)) target[key] = structuredClone(value)
    else repaired.push(key)
  }
  return { settings, repaired }
}

export function applyPatch(current: Settings, patch: SettingsPatch): Settings {
  const next: Settings = { ...structuredClone(current), ...structuredClone(patch) }
  if (!Value.Check(Settings, next)) throw new Error('patched settings are invalid')
  return next
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
