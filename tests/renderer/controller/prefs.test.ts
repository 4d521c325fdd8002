import { describe, expect, it } from 'vitest'
import {
  DEFAULT_PREFS,
  loadPrefs,
  PREFS_KEY,
  savePrefs,
} from '../../../src/renderer/src/controller/prefs.js'

describe('preferences (R3: nothing secret is stored)', () => {
  it('round-trips and has no field for a token, password or TURN credential', () => {
    const mem = new Map<string, string>()
    const storage = {
      getItem: (k: string) => mem.get(k) ?? null,
      setItem: (k: string, v: string) => void mem.set(k, v),
    }
    savePrefs(storage, { ...DEFAULT_PREFS, language: 'zh-CN', turnUsername: 'u' })
    expect(loadPrefs(storage)).toMatchObject({ language: 'zh-CN', turnUsername: 'u' })
    expect(Object.keys(JSON.parse(mem.get(PREFS_KEY) ?? '{}')).sort()).toEqual([
      'language',
      'lastUsername',
      'serverUrl',
      'stunUrls',
      'theme',
      'turnUrls',
      'turnUsername',
    ])
  })
  it('falls back to defaults on a corrupt entry', () => {
    expect(loadPrefs({ getItem: () => '{not json' })).toEqual(DEFAULT_PREFS)
    expect(loadPrefs({ getItem: () => JSON.stringify({ language: 'fr', stunUrls: [1] }) })).toEqual(
      DEFAULT_PREFS,
    )
  })
})
