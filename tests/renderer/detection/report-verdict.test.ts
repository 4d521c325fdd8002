import { describe, expect, it } from 'vitest'
import { reportVerdict } from '../../../src/renderer/src/detection/report-verdict.js'
import { createI18n } from '../../../src/renderer/src/i18n/index.js'

describe('report verdict', () => {
  it('gives a face check that never judged a face a reason, not "Analysing…"', () => {
    expect(reportVerdict({ peakLevel: 'high', shareByLevel: { high: 0.2, low: 0.8 } })).toEqual({
      judged: true,
      level: 'high',
    })
    expect(reportVerdict({ peakLevel: 'analysing', shareByLevel: { no_face: 1 } })).toEqual({
      judged: false,
      why: 'no_face',
    })
    expect(
      reportVerdict({
        peakLevel: 'analysing',
        shareByLevel: { no_face: 0.2, insufficient_quality: 0.7 },
      }),
    ).toEqual({ judged: false, why: 'insufficient_quality' })
    expect(reportVerdict({ peakLevel: 'analysing', shareByLevel: {} })).toEqual({
      judged: false,
      why: 'too_short',
    })
    for (const language of ['en', 'zh-CN'] as const) {
      const i18n = createI18n(language)
      for (const why of ['no_face', 'insufficient_quality', 'too_short']) {
        const text = i18n.t('security.report.noVerdict', {
          why: i18n.t(`security.report.why.${why}`),
        })
        expect(text).not.toMatch(/security\.|Analysing|分析中/)
      }
    }
  })
})
