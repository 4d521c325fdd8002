import { describe, expect, it } from 'vitest'
import {
  USERNAME_RULE,
  usernameProblem,
} from '../../../src/renderer/src/controller/username-rule.js'
import { createI18n } from '../../../src/renderer/src/i18n/index.js'

describe('username rule', () => {
  it('states the username rule the server applies, in both languages', () => {
    expect(USERNAME_RULE).toMatchObject({ min: 3, max: 32 })
    expect(usernameProblem('ada_lovelace-1.0')).toBeNull()
    expect(usernameProblem('Zoë')).toBe('username_chars')
    expect(usernameProblem('ab')).toBe('username_length')
    for (const language of ['en', 'zh-CN'] as const) {
      const i18n = createI18n(language)
      const chars = i18n.t('auth.errors.username_chars')
      const length = i18n.t('auth.errors.username_length', USERNAME_RULE)
      expect(chars).not.toBe(length)
      expect(length).toMatch(/3.+32/)
      expect(chars).not.toMatch(/3|32/) // about characters, not length
      expect(i18n.t('auth.usernameHint', USERNAME_RULE)).toMatch(/3–32/)
    }
  })
})
