import type { StateCreator } from 'zustand'
import type { User } from 'veracall-signaling/protocol'
import type { AppState } from '../types.js'

export interface ContactsSlice {
  query: string
  results: User[]
  searching: boolean
  searchError: string | null
  setQuery: (query: string) => void
  searchStarted: () => void
  searchDone: (query: string, results: User[]) => void
  searchFailed: (message: string) => void
}

export const createContactsSlice: StateCreator<AppState, [], [], ContactsSlice> = (set, get) => ({
  query: '',
  results: [],
  searching: false,
  searchError: null,
  setQuery: (query) => set({ query }),
  searchStarted: () => set({ searching: true, searchError: null }),
  // Results of an older query that arrive late are dropped.
  searchDone: (query, results) => {
    if (query === get().query) set({ results, searching: false })
  },
  searchFailed: (searchError) => set({ searching: false, searchError }),
})
