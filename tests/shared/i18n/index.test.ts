import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createI18n } from '../../../src/renderer/src/i18n/index.js'
import { catalogs, createTranslator, type NativeKey } from '../../../src/shared/i18n/index.js'

/** Every string of a catalog by its dotted key. */
function strings(tree: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
    if (typeof value === 'string') out.set(`${prefix}${key}`, value)
    else for (const [k, v] of strings(value, `${prefix}${key}.`)) out.set(k, v)
  }
  return out
}
const placeholders = (text: string): string[] =>
  [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? '').sort()

describe('one translation tree for both processes', () => {
  it('zh-CN has every English key, worded, with the same placeholders', () => {
    const en = strings(catalogs.en)
    const zh = strings(catalogs['zh-CN'])
    expect([...zh.keys()].sort()).toEqual([...en.keys()].sort())
    for (const [key, text] of en) {
      const chinese = zh.get(key) ?? ''
      expect(chinese.length, key).toBeGreaterThan(0)
      expect(placeholders(chinese), key).toEqual(placeholders(text))
    }
  })

  it("main's strings come out of the renderer's i18n identically (one catalog, one engine)", () => {
    const keys: NativeKey[] = [
      'native.tray.open',
      'native.tray.missedCalls',
      'native.incoming.titleBusy',
      'native.dialogs.chooseModelFolder',
    ]
    for (const language of ['en', 'zh-CN'] as const) {
      const main = createTranslator(language)
      const renderer = createI18n(language)
      for (const key of keys) {
        const values = { count: 3, name: 'Ada' }
        expect(main(key, values), `${language} ${key}`).toBe(renderer.t(key, values))
      }
    }
    expect(createTranslator('en')('native.tray.missedCalls', { count: 1 })).toBe('1 missed call')
    expect(createTranslator('en')('native.tray.missedCalls', { count: 2 })).toBe('2 missed calls')
  })

  it('the renderer binding imports the catalogs plainly (no import.meta.glob seam)', () => {
    const binding = readFileSync(
      new URL('../../../src/renderer/src/i18n/index.ts', import.meta.url),
      'utf8',
    )
    expect(binding).not.toContain('import.meta.glob')
    expect(binding).toContain("from '../../../shared/i18n/index.js'")
  })
})
