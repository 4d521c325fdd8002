import { describe, expect, it } from 'vitest'
import {
  CALL_SHORTCUTS,
  withShortcut,
} from '../../../src/renderer/src/components/call-shortcuts.js'

const key = (
  code: string,
  mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {},
) => ({
  code,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
})

describe('call shortcuts', () => {
  it('mute is Ctrl+D, camera Ctrl+E, share Ctrl+Shift+S, with ⌘ for Ctrl', () => {
    expect(CALL_SHORTCUTS.mute.matches(key('KeyD', { ctrlKey: true }))).toBe(true)
    expect(CALL_SHORTCUTS.mute.matches(key('KeyD', { metaKey: true }))).toBe(true)
    expect(CALL_SHORTCUTS.camera.matches(key('KeyE', { ctrlKey: true }))).toBe(true)
    expect(CALL_SHORTCUTS.share.matches(key('KeyS', { ctrlKey: true, shiftKey: true }))).toBe(true)
  })

  it('takes no other combination', () => {
    expect(CALL_SHORTCUTS.mute.matches(key('KeyD'))).toBe(false)
    expect(CALL_SHORTCUTS.mute.matches(key('KeyD', { ctrlKey: true, shiftKey: true }))).toBe(false)
    expect(CALL_SHORTCUTS.mute.matches(key('KeyD', { ctrlKey: true, altKey: true }))).toBe(false)
    expect(CALL_SHORTCUTS.share.matches(key('KeyS', { ctrlKey: true }))).toBe(false)
    expect(CALL_SHORTCUTS.camera.matches(key('KeyD', { ctrlKey: true }))).toBe(false)
  })

  it('names each for aria-keyshortcuts and for a tooltip', () => {
    expect(Object.values(CALL_SHORTCUTS).map((s) => s.aria)).toEqual([
      'Control+D',
      'Control+E',
      'Control+Shift+S',
    ])
    expect(withShortcut('Mute microphone', 'mute')).toBe('Mute microphone (Ctrl+D)')
  })
})
