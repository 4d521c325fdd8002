import type { StateCreator } from 'zustand'
import type { User } from 'veracall-signaling/protocol'
import type { AppState } from '../types.js'
import type { AppError } from './session.js'

export interface ContactsSlice {
  query: string
  results: User[]
  searching: boolean
  searchError: AppError | null
  setQuery: (query: string) => void
  searchStarted: () => void
  searchDone: (query: string, results: User[]) => void
  searchFailed: (error: AppError) => void
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
