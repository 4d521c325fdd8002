import i18next from 'i18next'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import type { ClientDataOf } from 'veracall-signaling/protocol'
import { describe, expect, it } from 'vitest'
import { ChallengePrompt } from '../../../src/renderer/src/detection/ChallengePrompt.js'
import locales from '../../../src/shared/i18n/locales/security.js'

async function render(
  lang: 'en' | 'zh-CN',
  kind: ClientDataOf<'challenge'>['kind'],
  elapsedMs: number,
): Promise<string> {
  const i18n = i18next.createInstance()
  await i18n.use(initReactI18next).init({
    lng: lang,
    resources: { en: { translation: locales.en }, 'zh-CN': { translation: locales['zh-CN'] } },
  })
  const challenge = { id: 'c1', kind, duration_ms: 9000, receivedAt: 1000 }
  return renderToStaticMarkup(
    createElement(
      I18nextProvider,
      { i18n },
      createElement(ChallengePrompt, {
        challenge,
        onDismiss: () => undefined,
        now: () => 1000 + elapsedMs,
      }),
    ),
  )
}

describe('ChallengePrompt (what the other person sees on Verify)', () => {
  it('counts down, then says how long is left, in the person’s language', async () => {
    const start = await render('zh-CN', 'turn_head', 500)
    expect(start).toContain('请缓慢地向左转头，再向右转头。')
    expect(start).toContain('3 秒后开始…')
    expect(start).toContain('data-phase="countdown"')
    const now = await render('zh-CN', 'turn_head', 4200)
    expect(now).toContain('现在开始——还剩 5 秒')
    expect(now).toContain('data-phase="now"')
  })

  it('words each move in English too, and is announced as an alert', async () => {
    const html = await render('en', 'pass_hand', 0)
    expect(html).toContain('role="alert"')
    expect(html).toContain('Pass your hand slowly in front of your face.')
    expect(html).toContain('Verification request')
    expect(html).toContain('Dismiss')
  })
})
