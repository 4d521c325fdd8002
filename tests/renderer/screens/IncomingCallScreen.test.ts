import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { describe, expect, it } from 'vitest'
import { AppContext, type AppContextValue } from '../../../src/renderer/src/app/context.js'
import { createI18n } from '../../../src/renderer/src/i18n/index.js'
import { IncomingCallScreen } from '../../../src/renderer/src/screens/IncomingCallScreen.js'
import { createAppStore } from '../../../src/renderer/src/store/index.js'

async function render(accepting: boolean, language: 'en' | 'zh-CN' = 'en'): Promise<string> {
  const store = createAppStore()
  store.setState({
    phase: 'incoming',
    callType: 'video',
    accepting,
    peer: { id: '00000000-0000-4000-8000-00000000000b', username: 'bob', display_name: 'Bob' },
  })
  // A server render reads the store's initial state (useSyncExternalStore's server snapshot).
  const rendered = { ...store, getInitialState: store.getState }
  const context = { store: rendered, controller: {}, platform: {} } as unknown as AppContextValue
  return renderToStaticMarkup(
    createElement(
      I18nextProvider,
      { i18n: createI18n(language) },
      createElement(AppContext.Provider, { value: context }, createElement(IncomingCallScreen)),
    ),
  )
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
