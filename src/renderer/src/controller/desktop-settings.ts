import { createStore, type StoreApi } from 'zustand/vanilla'
import type {
  IpcResult,
  ServerInfo,
  Settings,
  SettingsPatch,
  VeracallApi,
} from '../../../shared/ipc-contract.js'

/** Why main turned a change down: its IPC error code, or the detector's reason for a model folder. */
export type DesktopSettingsError = { kind: 'ipc'; code: string } | { kind: 'model'; reason: string }

export interface DesktopSettingsState {
  /** Main's settings as main last reported them (null until the first answer). */
  settings: Settings | null
  server: ServerInfo | null
  error: DesktopSettingsError | null
}

export interface DesktopSettings {
  store: StoreApi<DesktopSettingsState>
  /** Listens to main's change events and loads the current values; returns the unsubscribe. */
  connect(): () => void
  load(): Promise<void>
  update(patch: SettingsPatch): Promise<void>
  /** Main's folder picker; then asks the detector whether it can use that folder. */
  chooseModelFolder(): Promise<void>
}

/**
 * The Desktop settings section's model: main owns the settings (it validates and persists them
 * and applies them to the tray, server and detector); this mirrors them, sends changes, and keeps
 * main's refusal to show it. Live updates (tray toggles) arrive through the change events.
 */
export function createDesktopSettings(api: VeracallApi): DesktopSettings {
  const store = createStore<DesktopSettingsState>()(() => ({
    settings: null,
    server: null,
    error: null,
  }))
  /** The value, or null with the error recorded. */
  const take = async <T>(call: Promise<IpcResult<T>>): Promise<T | null> => {
    try {
      const result = await call
      if (result.ok) return result.value
      store.setState({ error: { kind: 'ipc', code: result.error.code } })
    } catch {
      store.setState({ error: { kind: 'ipc', code: 'unavailable' } })
    }
    return null
  }
  const model: DesktopSettings = {
    store,
    connect() {
      const offs = [
        api.onSettingsChanged((settings) => store.setState({ settings })),
        api.onServerInfo((server) => store.setState({ server })),
      ]
      void model.load()
      return () => offs.forEach((off) => off())
    },
    async load() {
      const [settings, server] = await Promise.all([
        take(api.settingsGet()),
        take(api.serverGetInfo()),
      ])
      store.setState((s) => ({ settings: settings ?? s.settings, server: server ?? s.server }))
    },
    async update(patch) {
      store.setState({ error: null })
      const settings = await take(api.settingsUpdate(patch))
      if (settings !== null) store.setState({ settings })
    },
    async chooseModelFolder() {
      store.setState({ error: null })
      const before = store.getState().settings?.customModelFolder ?? null
      const settings = await take(api.settingsChooseModelFolder())
      if (settings === null) return
      store.setState({ settings })
      if (settings.customModelFolder === null || settings.customModelFolder === before) return
      // With detection off there is no model to load, so nothing to check yet.
      if (!settings.detectionEnabled) return
      const status = await take(api.detectorStatus())
      if (status !== null && !status.available) {
        store.setState({ error: { kind: 'model', reason: status.reason ?? '' } })
      }
    },
  }
  return model
}
