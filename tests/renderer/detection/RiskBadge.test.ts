import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { describe, expect, it } from 'vitest'
import { AppContext, type AppContextValue } from '../../../src/renderer/src/app/context.js'
import { RiskBadge } from '../../../src/renderer/src/detection/RiskBadge.js'
import { createI18n } from '../../../src/renderer/src/i18n/index.js'
import { createAppStore } from '../../../src/renderer/src/store/index.js'

async function render(peerId: string, language: 'en' | 'zh-CN' = 'en'): Promise<string> {
  const store = createAppStore()
  const s = store.getState()
  s.setRisk({ detector: true, status: { available: true, model: null, fps: 5 } })
  s.setPeerRisk('bob', {
    name: 'Bob',
    update: { callId: 11, level: 'elevated', score: 0.6, history: [], model: null },
  })
  s.setPeerRisk('cy', { name: 'Cy', screenShare: true })
  const rendered = { ...store, getInitialState: store.getState }
  const context = { store: rendered, controller: {}, platform: {} } as unknown as AppContextValue
  return renderToStaticMarkup(
    createElement(
      I18nextProvider,
      { i18n: createI18n(language) },
      createElement(AppContext.Provider, { value: context }, createElement(RiskBadge, { peerId })),
    ),
  )
}

describe('a video tile’s risk badge', () => {
  it('shows that person’s level in words and a symbol, not colour alone', async () => {
    const bob = await render('bob')
    expect(bob).toContain('data-level="elevated"')
    expect(bob).toContain('Face check: Elevated risk')
    expect(bob).toContain('aria-hidden="true">!</span>')
    expect(await render('bob', 'zh-CN')).toContain('面部检测：风险升高')
    expect(await render('cy')).toContain('data-level="screen_share"')
  })

  it('renders nothing for someone whose face is not checked', async () => {
    expect(await render('dee')).toBe('')
  })
})
