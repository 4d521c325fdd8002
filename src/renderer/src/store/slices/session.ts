import type { StateCreator } from 'zustand'
import type { User } from 'veracall-signaling/protocol'
import type { AppState } from '../types.js'
import type { WsState } from '../../signaling/ws-client.js'

export interface AppError {
  code: string
  message: string
}

export interface SessionSlice {
  serverUrl: string
  user: User | null
  authStatus: 'signed_out' | 'working' | 'signed_in'
  authError: AppError | null
  /** State of the personal events socket (incoming calls). */
  eventsState: WsState
  setServerUrl: (url: string) => void
  authStarted: () => void
  authFailed: (error: AppError) => void
  signedIn: (user: User, serverUrl: string) => void
  signedOut: () => void
  setEventsState: (state: WsState) => void
}

export const createSessionSlice: StateCreator<AppState, [], [], SessionSlice> = (set) => ({
  serverUrl: '',
  user: null,
  authStatus: 'signed_out',
  authError: null,
  eventsState: 'idle',
  setServerUrl: (serverUrl) => set({ serverUrl }),
  authStarted: () => set({ authStatus: 'working', authError: null }),
  authFailed: (authError) => set({ authStatus: 'signed_out', authError }),
  signedIn: (user, serverUrl) => set({ user, serverUrl, authStatus: 'signed_in', authError: null }),
  signedOut: () => set({ user: null, authStatus: 'signed_out', eventsState: 'idle' }),
  setEventsState: (eventsState) => set({ eventsState }),
})
