import type { StateCreator } from 'zustand'
import type { User } from 'veracall-signaling/protocol'
import type { AppState } from '../types.js'

/**
 * A question a deep link asks the person: nothing a link points at happens without a click
 * (a call link offers the call, a server link asks before switching servers).
 */
export type LinkPrompt =
  | { kind: 'call'; user: User }
  | { kind: 'userNotFound'; username: string }
  | { kind: 'server'; url: string }

export interface PromptsSlice {
  linkPrompt: LinkPrompt | null
  setLinkPrompt: (prompt: LinkPrompt | null) => void
}

export const createPromptsSlice: StateCreator<AppState, [], [], PromptsSlice> = (set) => ({
  linkPrompt: null,
  setLinkPrompt: (linkPrompt) => set({ linkPrompt }),
})
