import { createElement } from 'react'
import { describe, expect, it } from 'vitest'
import { RiskBadge } from '../../../src/renderer/src/detection/RiskBadge.js'
import { createAppStore } from '../../../src/renderer/src/store/index.js'
import { renderApp } from '../fakes/render-app.js'

async function render(peerId: string, language: 'en' | 'zh-CN' = 'en'): Promise<string> {
  const store = createAppStore()
  const s = store.getState()
  s.setRisk({ detector: true, status: { available: true, model: null, fps: 5 } })
  s.setPeerRisk('bob', {
    name: 'Bob',
    update: { callId: 11, level: 'elevated', score: 0.6, history: [], model: null },
  })
  s.setPeerRisk('cy', { name: 'Cy', screenShare: true })
  return renderApp(store, createElement(RiskBadge, { peerId }), language)
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
