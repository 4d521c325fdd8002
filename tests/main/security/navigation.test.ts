import { describe, expect, it } from 'vitest'
import {
  handleCommonWindowEvents,
  installWebContentsPolicy,
  isAllowedNavigation,
} from '../../../src/main/security/navigation.js'
import { APP_ORIGIN } from '../../../src/shared/ipc-contract.js'
import { FakeAdapter, FakeWebContents, fakeEvent } from '../fakes.js'

const ORIGINS = [APP_ORIGIN]

describe('isAllowedNavigation (E4)', () => {
  it.each([
    ['app://veracall/index.html', true],
    ['app://veracall/#/call/42', true],
    ['app://VERACALL/index.html', true],
    ['app://veracall.evil/index.html', false],
    ['app://evil/veracall', false],
    ['app://veracall@evil/index.html', false],
    ['app://veracall:8080/index.html', false],
    ['https://example.com.attacker.com/', false],
    ['https://veracall/', false],
    ['http://localhost:5173/', false],
    ['javascript:alert(1)', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['file:///etc/passwd', false],
    ['about:blank', false],
    ['not a url', false],
    ['', false],
  ])('%s → %s', (url, allowed) => {
    expect(isAllowedNavigation(url, ORIGINS)).toBe(allowed)
  })

  it('accepts the dev server only when it is listed', () => {
    expect(
      isAllowedNavigation('http://localhost:5173/x', [...ORIGINS, 'http://localhost:5173']),
    ).toBe(true)
    expect(
      isAllowedNavigation('http://localhost:5174/x', [...ORIGINS, 'http://localhost:5173']),
    ).toBe(false)
  })
})

describe('handleCommonWindowEvents on every webContents (E4, E5, E12)', () => {
  function setup() {
    const adapter = new FakeAdapter()
    const logs: string[] = []
    installWebContentsPolicy(adapter.app, {
      allowedOrigins: ORIGINS,
      openExternal: (url) => adapter.openExternal(url),
      log: (m) => logs.push(m),
    })
    return { adapter, logs }
  }

  it('is attached through web-contents-created to each new webContents', () => {
    const { adapter } = setup()
    expect(adapter.app.count('web-contents-created')).toBe(1)
    const a = new FakeWebContents()
    const b = new FakeWebContents()
    adapter.app.emit('web-contents-created', {}, a)
    adapter.app.emit('web-contents-created', {}, b)
    for (const contents of [a, b]) {
      expect(contents.count('will-navigate')).toBe(1)
      expect(contents.count('will-redirect')).toBe(1)
      expect(contents.count('will-attach-webview')).toBe(1)
      expect(contents.openHandler).not.toBeNull()
    }
  })

  it('prevents navigation away from the app and sends safe links to the browser', async () => {
    const { adapter } = setup()
    const contents = new FakeWebContents()
    adapter.app.emit('web-contents-created', {}, contents)
    const inside = fakeEvent()
    contents.emit('will-navigate', inside, 'app://veracall/index.html#/history')
    expect(inside.prevented).toBe(false)
    const outside = fakeEvent()
    contents.emit('will-navigate', outside, 'https://example.com/')
    expect(outside.prevented).toBe(true)
    const hostile = fakeEvent()
    contents.emit('will-redirect', hostile, 'file:///etc/passwd')
    expect(hostile.prevented).toBe(true)
    await Promise.resolve()
    expect(adapter.opened).toEqual(['https://example.com/'])
  })

  it('denies every window.open and blocks webviews', () => {
    const contents = new FakeWebContents()
    const opened: string[] = []
    handleCommonWindowEvents(contents, {
      allowedOrigins: ORIGINS,
      openExternal: async (url) => void opened.push(url),
      log: () => undefined,
    })
    for (const url of [
      'https://x.example',
      'app://veracall/index.html',
      'javascript:1',
      'about:blank',
    ]) {
      expect(contents.openHandler?.({ url })).toEqual({ action: 'deny' })
    }
    expect(opened).toEqual(['https://x.example'])
    const webview = fakeEvent()
    contents.emit('will-attach-webview', webview)
    expect(webview.prevented).toBe(true)
  })
})
