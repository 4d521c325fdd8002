import { describe, expect, it } from 'vitest'
import { createMainTranslator, mainLanguage } from '../../../src/main/settings/language.js'

describe("main's language", () => {
  it("is the one chosen in the app, the OS's for 'system'", () => {
    expect(mainLanguage('zh-CN', 'en-US')).toBe('zh-CN')
    expect(mainLanguage('en', 'zh-CN')).toBe('en')
    expect(mainLanguage('system', 'zh-TW')).toBe('zh-CN')
    expect(mainLanguage('system', 'en-GB')).toBe('en')
    expect(mainLanguage('system', 'de-DE')).toBe('en')
  })

  it('switches live: the same translate function answers in the new language', () => {
    const translator = createMainTranslator('en')
    const t = translator.t
    expect(t('native.tray.quit')).toBe('Quit Veracall')
    translator.setLanguage('zh-CN')
    expect(t('native.tray.quit')).toBe('退出 Veracall')
    translator.setLanguage('en')
    expect(t('native.tray.quit')).toBe('Quit Veracall')
  })
})
