import { describe, expect, it } from 'vitest'
import { resolveLanguage, systemLanguage } from '../../../src/renderer/src/i18n/language.js'

describe('languages', () => {
  it('follows the OS: any Chinese → zh-CN, else English; an explicit choice wins', () => {
    expect(systemLanguage(['zh-TW', 'en'])).toBe('zh-CN')
    expect(systemLanguage(['de-DE', 'en-GB'])).toBe('en')
    expect(systemLanguage(['fr'])).toBe('en')
    expect(resolveLanguage('system', ['zh-CN'])).toBe('zh-CN')
    expect(resolveLanguage('en', ['zh-CN'])).toBe('en')
  })
})
