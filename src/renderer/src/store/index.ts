import type { StateStorage } from 'zustand/middleware'
import { createStore, type StoreApi } from 'zustand/vanilla'
import { createSessionSlice } from './slices/session.js'
import { createContactsSlice } from './slices/contacts.js'
import { createCallSlice } from './slices/call.js'
import { createDevicesSlice } from './slices/devices.js'
import { createHistorySlice } from './slices/history.js'
import { createSettingsSlice } from './slices/settings.js'
import { createPromptsSlice } from './slices/prompts.js'
import { createRiskSlice } from './slices/risk.js'
import {
  REPORTS_STORAGE_KEY,
  REPORTS_VERSION,
  createReportsSlice,
  sanitiseReports,
} from './slices/reports.js'
import { createVerificationSlice } from './slices/verification.js'
import { createRecordingSlice } from './slices/recording.js'
import type { AppState } from './types.js'

export type { AppState } from './types.js'
export type AppStore = StoreApi<AppState>

/** Keeps nothing: the store without storage (tests, a browser with storage disabled). */
const NO_STORAGE: StateStorage = {
  getItem: () => null,
  setItem: () => undefined,
  removeItem: () => undefined,
}

function defaultStorage(): StateStorage {
  try {
    return globalThis.localStorage ?? NO_STORAGE
  } catch {
    return NO_STORAGE
  }
}

/**
 * One store, split into slices by concern (zustand "slices pattern"). Only the security reports
 * persist (to `storage`, localStorage by default), under the key and shape they always had
 * (zustand persist's `{ state: { reports }, version: 1 }`), written only when they change.
 */
export function createAppStore(storage: () => StateStorage = defaultStorage): AppStore {
  const store = createStore<AppState>()((...a) => ({
    ...createSessionSlice(...a),
    ...createContactsSlice(...a),
    ...createCallSlice(...a),
    ...createDevicesSlice(...a),
    ...createHistorySlice(...a),
    ...createSettingsSlice(...a),
    ...createPromptsSlice(...a),
    ...createRiskSlice(...a),
    ...createReportsSlice(...a),
    ...createVerificationSlice(...a),
    ...createRecordingSlice(...a),
  }))
  const saved = storage()
  store.setState({ reports: loadReports(saved) })
  store.subscribe((s, before) => {
    if (s.reports !== before.reports) saveReports(saved, s.reports)
  })
  return store
}

/** Whatever is in storage is checked, never trusted: a bad entry (or bad JSON) is dropped. */
function loadReports(storage: StateStorage): AppState['reports'] {
  try {
    const raw = storage.getItem(REPORTS_STORAGE_KEY)
    if (typeof raw !== 'string') return {}
    const parsed = JSON.parse(raw) as { state?: { reports?: unknown } } | null
    return sanitiseReports(parsed?.state?.reports)
  } catch {
    return {}
  }
}

function saveReports(storage: StateStorage, reports: AppState['reports']): void {
  try {
    void storage.setItem(
      REPORTS_STORAGE_KEY,
      JSON.stringify({ state: { reports }, version: REPORTS_VERSION }),
    )
  } catch {
    // Storage full or disabled: the reports stay for this session only.
  }
}
