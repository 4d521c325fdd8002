import i18next from 'i18next'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { describe, expect, it } from 'vitest'
import {
  createDesktopSettings,
  type DesktopSettingsState,
} from '../../../src/renderer/src/controller/desktop-settings.js'
import en from '../../../src/shared/i18n/locales/en.js'
import zhCN from '../../../src/shared/i18n/locales/zh-CN.js'
import { DEFAULT_SETTINGS } from '../../../src/main/settings/schema.js'
import { applyPatch } from '../../../src/main/settings/schema.js'
import type { ServerInfo, Settings, SettingsPatch } from '../../../src/shared/ipc-contract.js'
import { createFakeDesktop } from '../fakes/fake-desktop.js'
import { DesktopSettingsView } from '../../../src/renderer/src/screens/DesktopSettingsSection.js'
import { settle } from '../fakes/fake-peer.js'

async function render(state: DesktopSettingsState, lang: 'en' | 'zh-CN' = 'en'): Promise<string> {
  const i18n = i18next.createInstance()
  await i18n.use(initReactI18next).init({
    lng: lang,
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    interpolation: { escapeValue: false },
  })
  return renderToStaticMarkup(
    createElement(
      I18nextProvider,
      { i18n },
      createElement(DesktopSettingsView, {
        state,
        onChange: () => undefined,
        onChooseModelFolder: () => undefined,
      }),
    ),
  )
}

const settings = (patch: Partial<Settings> = {}): Settings => ({
  ...structuredClone(DEFAULT_SETTINGS),
  ...patch,
})
const server = (patch: Partial<ServerInfo> = {}): ServerInfo => ({
  running: true,
  localUrl: 'http://127.0.0.1:4000',
  lanUrls: [],
  sharing: false,
  error: null,
  secretEncrypted: true,
  ...patch,
})

/** Main's side: settings applied with main's own patch function; a bad rate is refused. */
function fakeMain(initial = settings()) {
  let current = initial
  const desktop = createFakeDesktop({
    'settings:get': () => current,
    'server:getInfo': () => server(),
    'settings:update': (patch) => {
      const p = patch as SettingsPatch
      if (p.analysisRate !== undefined && (p.analysisRate < 1 || p.analysisRate > 10))
        throw new Error('invalid_argument')
      current = applyPatch(current, p)
      return current
    },
    'settings:chooseModelFolder': () => {
      current = { ...current, customModelFolder: '/home/ada/models/empty' }
      return current
    },
    'detector:status': () => ({
      available: false,
      reason: 'no model.json in /home/ada/models/empty',
      model: null,
      fps: 0,
    }),
  })
  return { desktop, current: () => current }
}

describe('Desktop settings model (bound to main through the preload API)', () => {
  it("loads main's values, sends a change and adopts main's answer", async () => {
    const main = fakeMain(settings({ analysisRate: 4 }))
    const model = createDesktopSettings(main.desktop.api)
    const off = model.connect()
    await settle()
    expect(model.store.getState()).toMatchObject({
      settings: { doNotDisturb: false, analysisRate: 4 },
      server: { running: true },
      error: null,
    })
    await model.update({ doNotDisturb: true })
    expect(main.desktop.callsTo('settings:update')).toEqual([[{ doNotDisturb: true }]])
    expect(main.current().doNotDisturb).toBe(true)
    expect(model.store.getState().settings?.doNotDisturb).toBe(true)
    off()
  })

  it("follows main's change events (a tray toggle) and stops after disconnecting", async () => {
    const main = fakeMain()
    const model = createDesktopSettings(main.desktop.api)
    const off = model.connect()
    await settle()
    main.desktop.emit('event:settingsChanged', settings({ networkSharing: true }))
    main.desktop.emit(
      'event:serverInfo',
      server({ sharing: true, lanUrls: ['http://192.168.1.20:4000'] }),
    )
    expect(model.store.getState()).toMatchObject({
      settings: { networkSharing: true },
      server: { lanUrls: ['http://192.168.1.20:4000'] },
    })
    off()
    expect(main.desktop.listenerCount('event:settingsChanged')).toBe(0)
  })

  it("keeps main's refusal to show it, and leaves the value as main has it", async () => {
    const main = fakeMain(settings({ analysisRate: 2 }))
    const model = createDesktopSettings(main.desktop.api)
    await model.load()
    await model.update({ analysisRate: 11 })
    expect(model.store.getState()).toMatchObject({
      settings: { analysisRate: 2 },
      error: { kind: 'ipc', code: 'invalid_argument' },
    })
    await model.update({ analysisRate: 10 })
    expect(model.store.getState()).toMatchObject({ settings: { analysisRate: 10 }, error: null })
  })

  it('a chosen model folder the detector cannot use shows the detector’s reason', async () => {
    const main = fakeMain()
    const model = createDesktopSettings(main.desktop.api)
    await model.load()
    await model.chooseModelFolder()
    expect(model.store.getState()).toMatchObject({
      settings: { customModelFolder: '/home/ada/models/empty' },
      error: { kind: 'model', reason: 'no model.json in /home/ada/models/empty' },
    })
  })
})

describe('Desktop settings section', () => {
  it('has the same string keys in English and Simplified Chinese', () => {
    const keys = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        typeof v === 'object' && v !== null
          ? keys(v as object, `${prefix}${k}.`)
          : [`${prefix}${k}`],
      )
    expect(keys(zhCN.desktop).sort()).toEqual(keys(en.desktop).sort())
    expect(keys(zhCN.linkPrompt).sort()).toEqual(keys(en.linkPrompt).sort())
  })

  it("draws main's values into labelled controls", async () => {
    const html = await render({
      settings: settings({ doNotDisturb: true, analysisRate: 6 }),
      server: server(),
      error: null,
    })
    expect(html).toMatch(/<input[^>]*id="([^"]+)-doNotDisturb"[^>]*checked=""/)
    expect(html).toMatch(/<label for="[^"]+-doNotDisturb">Do not disturb<\/label>/)
    expect(html).not.toMatch(/id="[^"]+-startAtLogin"[^>]*checked/)
    expect(html).toMatch(/type="range" min="1" max="10" step="1" [^>]*value="6"/)
    expect(html).toContain('Analysis rate: 6 frames per second')
    expect(html).toContain('placeholder="Built-in model"')
    // Sharing is off: no addresses, no warning.
    expect(html).not.toContain('lan-share')
  })

  it('sharing on: the LAN addresses and the plain-words warning (E22)', async () => {
    const html = await render({
      settings: settings({ networkSharing: true }),
      server: server({ sharing: true, lanUrls: ['http://192.168.1.20:4000'] }),
      error: null,
    })
    expect(html).toContain('<code>http://192.168.1.20:4000</code>')
    expect(html.toLowerCase()).toContain(
      'others on this network could read call set-up messages, including your sign-in token; video and audio stay encrypted',
    )
    const zh = await render(
      { settings: settings({ networkSharing: true }), server: server(), error: null },
      'zh-CN',
    )
    expect(zh).toContain('包括你的登录令牌')
    expect(zh).toContain('没有找到网络地址')
  })

  it('offers "hide this window from screen capture", off unless main says on, in both languages', async () => {
    const off = await render({ settings: settings(), server: server(), error: null })
    expect(off).toMatch(
      /<label for="[^"]+-hideFromScreenCapture">Hide this window from screen capture</,
    )
    expect(off).not.toMatch(/id="[^"]+-hideFromScreenCapture"[^>]*checked/)
    const on = await render(
      { settings: settings({ hideFromScreenCapture: true }), server: server(), error: null },
      'zh-CN',
    )
    expect(on).toMatch(/id="[^"]+-hideFromScreenCapture"[^>]*checked=""/)
    expect(on).toContain('在屏幕截图中隐藏此窗口')
  })

  it('says when the server key is stored unencrypted (no keyring), in both languages', async () => {
    const keyring = await render({ settings: settings(), server: server(), error: null })
    expect(keyring).not.toContain('secret-unencrypted')
    const state = { settings: settings(), server: server({ secretEncrypted: false }), error: null }
    expect(await render(state)).toMatch(/data-testid="secret-unencrypted">No system keyring/)
    expect(await render(state, 'zh-CN')).toContain('系统没有可用的密钥环')
  })

  it("shows main's validation error in words", async () => {
    const html = await render({
      settings: settings({ customModelFolder: '/m' }),
      server: server(),
      error: { kind: 'model', reason: 'no model.json in /m' },
    })
    expect(html).toMatch(
      /role="alert"[^>]*>That folder cannot be used as a detector model: no model.json in \/m</,
    )
    expect(html).toContain('Use the built-in model')
    const ipc = await render({
      settings: settings(),
      server: server(),
      error: { kind: 'ipc', code: 'invalid_argument' },
    })
    expect(ipc).toContain('That value is not allowed.')
  })
})
