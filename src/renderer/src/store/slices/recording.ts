import type { StateCreator } from 'zustand'
import type { AppState } from '../types.js'

/** Local recording of the current call, and whether the other person records it. */
export interface RecordingStatus {
  /** This device is recording the call. */
  local: boolean
  /** The other person said (through the room) that they are recording: the banner shows. */
  remote: boolean
  /** Why the last recording could not start or be saved; null when nothing went wrong. */
  error: 'unsupported' | 'save_failed' | null
}

export interface RecordingSlice {
  recording: RecordingStatus
  setRecording: (patch: Partial<RecordingStatus>) => void
}

const IDLE_RECORDING: RecordingStatus = { local: false, remote: false, error: null }

export const createRecordingSlice: StateCreator<AppState, [], [], RecordingSlice> = (set) => ({
  recording: IDLE_RECORDING,
  setRecording: (patch) => set((s) => ({ recording: { ...s.recording, ...patch } })),
})
