import type { StateCreator } from 'zustand'
import type { VerificationRecord } from '../../../../shared/detection.js'
import type { AppState } from '../types.js'

/** The current call's verification code (see call/call-verification.ts). */
export interface VerificationState {
  /** "123 456" once both descriptions are known; null before. */
  code: string | null
  /** A description had no readable DTLS fingerprint: this call can't be verified. */
  failed: boolean
  /** What the person said when they compared it; null until they choose. */
  choice: VerificationRecord['result'] | null
}

export interface VerificationSlice {
  verification: VerificationState
  setVerification: (state: VerificationState) => void
}

export const IDLE_VERIFICATION: VerificationState = { code: null, failed: false, choice: null }

export const createVerificationSlice: StateCreator<AppState, [], [], VerificationSlice> = (
  set,
) => ({
  verification: IDLE_VERIFICATION,
  setVerification: (verification) => set({ verification }),
})
