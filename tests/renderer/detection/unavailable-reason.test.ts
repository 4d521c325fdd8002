import { describe, expect, it } from 'vitest'
import {
  unavailableDetail,
  unavailableExplanation,
} from '../../../src/renderer/src/detection/unavailable-reason.js'
import { DetectorUnavailableCode } from '../../../src/shared/detection.js'
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

  it('words every code main or a port gives in both languages, the detail kept out of the sentence', () => {
    const codes = DetectorUnavailableCode.anyOf.map((literal) => literal.const)
    expect(codes).toContain('model_invalid')
    const detail = 'model output is [1,3], model.json says "logit1" ([N,1])'
    const texts = { en: new Set<string>(), 'zh-CN': new Set<string>() }
    for (const language of ['en', 'zh-CN'] as const) {
      const i18n = createI18n(language)
      for (const code of codes) {
        const status = { code, reason: detail }
        const text = unavailableExplanation(i18n, status)
        expect(text, `${language} ${code}`).toMatch(
          language === 'en' ? /^The face check cannot run: / : /^面部检测无法运行：/,
        )
        expect(text).not.toContain(code)
        expect(text).not.toContain('output')
        if (language === 'zh-CN') {
          // Only names to type (commands, files, addresses) are Latin in the Chinese sentence.
          const words = text.replace(
            /npm start|model\.(onnx|json)|resources\/models|https?:\/\/localhost|Veracall/g,
            '',
          )
          expect(words, code).not.toMatch(/[A-Za-z]{2,}/)
        }
        texts[language].add(text)
        expect(unavailableDetail(status)).toBe(detail)
      }
      expect(texts[language].size).toBe(codes.length)
    }
    // No detail beside a code, or a reason that is itself the code: nothing extra to show.
    expect(unavailableDetail({ code: 'turned_off' })).toBeNull()
    expect(unavailableDetail({ reason: 'web_remote_page' })).toBeNull()
    expect(unavailableDetail({ code: 'web_remote_page', reason: 'web_remote_page' })).toBeNull()
    expect(unavailableDetail(null)).toBeNull()
  })
})
