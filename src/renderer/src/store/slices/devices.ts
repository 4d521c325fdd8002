import type { StateCreator } from 'zustand'
import type { AppState } from '../types.js'

export interface Device {
  deviceId: string
  label: string
}

export interface DevicesSlice {
  cameras: Device[]
  microphones: Device[]
  speakers: Device[]
  cameraId: string | null
  microphoneId: string | null
  speakerId: string | null
  canChooseSpeaker: boolean
  setDevices: (lists: { cameras: Device[]; microphones: Device[]; speakers: Device[] }) => void
  selectDevice: (kind: 'camera' | 'microphone' | 'speaker', deviceId: string | null) => void
  setCanChooseSpeaker: (value: boolean) => void
}

/** Keeps a chosen device only while it is still plugged in. */
const keep = (id: string | null, list: Device[]): string | null =>
  id !== null && list.some((d) => d.deviceId === id) ? id : null

export const createDevicesSlice: StateCreator<AppState, [], [], DevicesSlice> = (set, get) => ({
  cameras: [],
  microphones: [],
  speakers: [],
  cameraId: null,
  microphoneId: null,
  speakerId: null,
  canChooseSpeaker: false,
  setDevices: ({ cameras, microphones, speakers }) => {
    const s = get()
    set({
      cameras,
      microphones,
      speakers,
      cameraId: keep(s.cameraId, cameras),
      microphoneId: keep(s.microphoneId, microphones),
      speakerId: keep(s.speakerId, speakers),
    })
  },
  selectDevice: (kind, deviceId) =>
    set(
      kind === 'camera'
        ? { cameraId: deviceId }
        : kind === 'microphone'
          ? { microphoneId: deviceId }
          : { speakerId: deviceId },
    ),
  setCanChooseSpeaker: (canChooseSpeaker) => set({ canChooseSpeaker }),
})
