import type { StateCreator } from 'zustand'
import type { Call, CallStats } from 'veracall-signaling/protocol'
import type { AppState } from '../types.js'
import type { AppError } from './session.js'

export const HISTORY_PAGE_SIZE = 10

export interface HistorySlice {
  historyPage: number
  historyCalls: Call[]
  historyTotal: number
  historyStats: CallStats | null
  historyLoading: boolean
  historyError: AppError | null
  historyStarted: (page: number) => void
  historyLoaded: (page: number, calls: Call[], total: number, stats: CallStats) => void
  historyFailed: (error: AppError) => void
}

export const createHistorySlice: StateCreator<AppState, [], [], HistorySlice> = (set) => ({
  historyPage: 1,
  historyCalls: [],
  historyTotal: 0,
  historyStats: null,
  historyLoading: false,
  historyError: null,
  historyStarted: (historyPage) => set({ historyPage, historyLoading: true, historyError: null }),
  historyLoaded: (historyPage, historyCalls, historyTotal, historyStats) =>
    set({ historyPage, historyCalls, historyTotal, historyStats, historyLoading: false }),
  historyFailed: (historyError) => set({ historyLoading: false, historyError }),
})
