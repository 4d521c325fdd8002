/**
 * The call screen's keyboard shortcuts, one table for the handlers, the buttons'
 * `aria-keyshortcuts` and their tooltips. Mute and camera are the ones video-call users know
 * (Ctrl+D, Ctrl+E); ⌘ stands for Ctrl on macOS.
 */
export interface Shortcut {
  /** For `aria-keyshortcuts`. */
  aria: string
  /** For a tooltip. */
  label: string
  matches(e: Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey' | 'code'>): boolean
}

function shortcut(code: `Key${string}`, shift: boolean): Shortcut {
  const key = code.slice(3)
  return {
    aria: `Control+${shift ? 'Shift+' : ''}${key}`,
    label: `Ctrl+${shift ? 'Shift+' : ''}${key}`,
    matches: (e) =>
      (e.ctrlKey || e.metaKey) && e.shiftKey === shift && !e.altKey && e.code === code,
  }
}

export const CALL_SHORTCUTS = {
  mute: shortcut('KeyD', false),
  camera: shortcut('KeyE', false),
  share: shortcut('KeyS', true),
} as const

export type CallShortcut = keyof typeof CALL_SHORTCUTS

/** `label (Ctrl+D)`: a button's tooltip with its shortcut. */
export const withShortcut = (label: string, name: CallShortcut): string =>
  `${label} (${CALL_SHORTCUTS[name].label})`
