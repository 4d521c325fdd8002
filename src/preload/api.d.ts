import type { VeracallApi } from '../shared/ipc-contract'

declare global {
  interface Window {
    /** Present only in the desktop app (see src/preload/index.ts). */
    readonly veracall?: VeracallApi
  }
}

export {}
