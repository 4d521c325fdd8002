import { createStore, type StoreApi } from 'zustand/vanilla'
import { createSessionSlice } from './slices/session.js'
import { createContactsSlice } from './slices/contacts.js'
import { createCallSlice } from './slices/call.js'
import { createDevicesSlice } from './slices/devices.js'
import { createHistorySlice } from './slices/history.js'
import { createSettingsSlice } from './slices/settings.js'
import { createPromptsSlice } from './slices/prompts.js'
import type { AppState } from './types.js'

export type { AppState } from './types.js'
export type AppStore = StoreApi<AppState>

/** One store, split into slices by concern (zustand "slices pattern"). */
export function createAppStore(): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createSessionSlice(...a),
    ...createContactsSlice(...a),
    ...createCallSlice(...a),
    ...createDevicesSlice(...a),
    ...createHistorySlice(...a),
    ...createSettingsSlice(...a),
    ...createPromptsSlice(...a),
  }))
}
