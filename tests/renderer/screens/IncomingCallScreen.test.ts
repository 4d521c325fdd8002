import { createElement } from 'react'
import { describe, expect, it } from 'vitest'
import { IncomingCallScreen } from '../../../src/renderer/src/screens/IncomingCallScreen.js'
import { createAppStore } from '../../../src/renderer/src/store/index.js'
import { renderApp } from '../fakes/render-app.js'

async function render(accepting: boolean, language: 'en' | 'zh-CN' = 'en'): Promise<string> {
  const store = createAppStore()
  store.setState({
    phase: 'incoming',
    callType: 'video',
    accepting,
    peer: { id: '00000000-0000-4000-8000-00000000000b', username: 'bob', display_name: 'Bob' },
  })
  return renderApp(store, createElement(IncomingCallScreen), language)
}

describe('incoming call screen', () => {
  it('says "Connecting…" as soon as Accept is pressed, while the camera opens', async () => {
    const status = (html: string): string =>
      /data-testid="accept-status"[^>]*>([^<]*)</.exec(html)?.[1] ?? 'missing'
    expect(status(await render(false))).toBe('')
    expect(status(await render(true))).toBe('Connecting…')
    expect(status(await render(true, 'zh-CN'))).toBe('正在连接…')
    expect(await render(true)).toMatch(/role="status"/)
  })
})
