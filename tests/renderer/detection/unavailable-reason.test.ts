import { describe, expect, it } from 'vitest'
import { unavailableExplanation } from '../../../src/renderer/src/detection/unavailable-reason.js'
import { createI18n } from '../../../src/renderer/src/i18n/index.js'

describe('why the face check is unavailable', () => {
  it('words each web reason in both languages, and shows any other reason as given', () => {
    for (const language of ['en', 'zh-CN'] as const) {
      const i18n = createI18n(language)
      const seen = new Set<string>()
      for (const reason of ['web_remote_page', 'web_bridge_unreachable']) {
        const text = unavailableExplanation(i18n, { reason })
        expect(text, `${language} ${reason}`).not.toContain(reason)
        expect(text).toMatch(
          language === 'en' ? /^The face check cannot run: / : /^面部检测无法运行：/,
        )
        seen.add(text)
      }
      expect(seen.size).toBe(2)
      expect(unavailableExplanation(i18n, { reason: 'the model failed to load' })).toContain(
        'the model failed to load',
      )
      expect(unavailableExplanation(i18n, null)).toBe(
        i18n.t('security.explain.unavailableNoReason'),
      )
    }
    expect(unavailableExplanation(createI18n('en'), { reason: 'web_remote_page' })).toContain(
      'npm start',
    )
  })
})
