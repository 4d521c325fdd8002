import type { StateCreator } from 'zustand'
import type { AppState } from '../types.js'
import type { TurnConfig } from '../../call/ice-servers.js'
import type { LanguagePref, ThemePref } from '../../../../shared/ipc-contract.js'

export type { LanguagePref, ThemePref } from '../../../../shared/ipc-contract.js'
export type Screen = 'home' | 'history' | 'settings'

export interface SettingsSlice {
  language: LanguagePref
  theme: ThemePref
  /** null: the default public STUN list; []: none. */
  stunUrls: string[] | null
  /** TURN relay; its credential is kept in memory only (R3). */
  turn: TurnConfig | null
  screen: Screen
  setLanguage: (language: LanguagePref) => void
  setTheme: (theme: ThemePref) => void
  setIce: (stunUrls: string[] | null, turn: TurnConfig | null) => void
  navigate: (screen: Screen) => void
}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  language: 'system',
  theme: 'system',
  stunUrls: null,
  turn: null,
  screen: 'home',
  setLanguage: (language) => set({ language }),
  setTheme: (theme) => set({ theme }),
  setIce: (stunUrls, turn) => set({ stunUrls, turn }),
  navigate: (screen) => set({ screen }),
})
