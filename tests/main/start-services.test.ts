import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { DetectorHost, DetectorModule } from '../../src/main/detector-bridge.js'
import type { CreateSignalingServer } from '../../src/main/embedded-server.js'
import type { Services } from '../../src/main/lifecycle.js'
import { SETTINGS_FILE } from '../../src/main/settings/store.js'
import { servicesStarter } from '../../src/main/start-services.js'
import { buildCsp } from 'veracall-signaling/protocol'
import { APP_ORIGIN, type RiskUpdate } from '../../src/shared/ipc-contract.js'
import { FakeAdapter, fakeDesktopSource, type FakeWindow } from './fakes.js'

const dirs: string[] = []
const running: Services[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()))
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

/** A signaling server that binds nothing. */
const fakeSignaling: CreateSignalingServer = () => ({
  start: async () => ({ url: 'http://127.0.0.1:4000', host: '127.0.0.1', port: 4000 }),
  stop: async () => undefined,
})

/** main's real service start-up over the fake adapter, with fakes for the server and detector. */
async function startMain(
  options: {
    signaling?: CreateSignalingServer
    detector?: DetectorModule | null
    lanAddresses?: () => string[]
    devServerUrl?: string
    /** What app.getLocale() answers. */
    locale?: string
    /** A settings file on disk before start-up. */
    settingsFile?: Record<string, unknown>
  } = {},
): Promise<{ adapter: FakeAdapter; services: Services; window: FakeWindow; logs: string[] }> {
  const userData = await mkdtemp(path.join(tmpdir(), 'veracall-main-'))
  dirs.push(userData)
  if (options.settingsFile !== undefined)
    await writeFile(path.join(userData, SETTINGS_FILE), JSON.stringify(options.settingsFile))
  const adapter = new FakeAdapter(userData)
  if (options.locale !== undefined) adapter.app.locale = options.locale
  adapter.safeStorage.available = false
  const logs: string[] = []
  const start = servicesStarter({
    paths: {
      preload: '/app/preload.cjs',
      rendererDir: path.join(userData, 'renderer'),
      iconsDir: '/app/icons',
      modelsDir: '/app/models',
      detectorWorker: null,
      devServerUrl: options.devServerUrl,
    },
    loadSignaling: async () => options.signaling ?? fakeSignaling,
    lanAddresses: options.lanAddresses ?? (() => []),
    loadDetector: async () => options.detector ?? null,
    log: (m) => logs.push(m),
  })
  const services = await start({
    adapter,
    allowedOrigins: [APP_ORIGIN],
    isQuitting: () => false,
    pendingDeepLink: null,
  })
  running.push(services)
  const window = adapter.windows[0]
  if (window === undefined) throw new Error('main created no window')
  return { adapter, services, window, logs }
}

const sentOn = (window: FakeWindow, channel: string): unknown[] =>
  window.webContents.sent.filter((m) => m.channel === channel).map((m) => m.payload)

describe('service start-up', () => {
  it('holds a deep link until the page is shown, then sends it once', async () => {
    const { services, window } = await startMain()
    services.deliverDeepLink({ kind: 'call', username: 'grace' })
    expect(sentOn(window, 'event:deepLink')).toEqual([])
    window.emit('ready-to-show')
    expect(sentOn(window, 'event:deepLink')).toEqual([{ kind: 'call', username: 'grace' }])
    services.deliverDeepLink({ kind: 'call', username: 'ada' })
    expect(sentOn(window, 'event:deepLink')).toEqual([
      { kind: 'call', username: 'grace' },
      { kind: 'call', username: 'ada' },
    ])
  })

  it("installs the screen-share handler: the app's page gets a source only after picking it", async () => {
    const { adapter } = await startMain()
    expect(adapter.session.displayCalls).toEqual(['display:null', 'display:set'])
    adapter.desktopSources = [fakeDesktopSource('screen:0:0', 'Entire screen')]
    const granted: unknown[] = []
    const ask = (): void =>
      adapter.session.displayMediaHandler?.(
        { frame: { url: 'app://veracall/index.html' }, videoRequested: true },
        (streams) => granted.push(streams?.video.id ?? null),
      )
    ask()
    const app = 'app://veracall/index.html'
    expect(await adapter.ipcMain.invoke(app, 'screen:listSources')).toMatchObject({ ok: true })
    expect(await adapter.ipcMain.invoke(app, 'screen:chooseSource', 'screen:0:0')).toEqual({
      ok: true,
      value: null,
    })
    ask()
    expect(granted).toEqual([null, 'screen:0:0'])
  })

  it('hides the window from screen capture only when the setting is on', async () => {
    const { adapter, window } = await startMain()
    expect(window.contentProtection).toEqual([false])
    const invoke = (...args: unknown[]) =>
      adapter.ipcMain.invoke('app://veracall/index.html', 'settings:update', ...args)
    expect(await invoke({ hideFromScreenCapture: true })).toMatchObject({
      ok: true,
      value: { hideFromScreenCapture: true },
    })
    await expect.poll(() => window.contentProtection).toEqual([false, true])
    expect(await invoke({ hideFromScreenCapture: 1 })).toEqual({
      ok: false,
      error: { code: 'invalid_argument' },
    })
    await invoke({ doNotDisturb: true })
    await invoke({ hideFromScreenCapture: false })
    await expect.poll(() => window.contentProtection).toEqual([false, true, false])
  })

  it("sends the dev CSP with the dev server's pages in development, and nothing in production", async () => {
    const dev = await startMain({ devServerUrl: 'http://localhost:5173/' })
    const policy = buildCsp({
      target: 'desktop',
      dev: true,
      devServerOrigin: 'http://localhost:5173',
    })
    const page = dev.adapter.session.webRequest.headersAfter('http://localhost:5173/index.html', {
      'content-type': ['text/html'],
      'Content-Security-Policy': ['default-src *'],
    })
    expect(page).toEqual({ 'content-type': ['text/html'], 'Content-Security-Policy': [policy] })
    const other = { 'content-type': ['application/json'] }
    expect(dev.adapter.session.webRequest.headersAfter('http://127.0.0.1:4000/api', other)).toBe(
      other,
    )
    const production = await startMain()
    expect(production.adapter.session.webRequest.headersReceived).toBeNull()
  })

  it('speaks the OS language in the tray, call notifications and the folder dialog', async () => {
    // Before: main's strings were English only.
    for (const [locale, tray, title, dialog] of [
      ['zh-CN', '退出 Veracall', 'Ada 来电', '选择包含检测模型的文件夹'],
      ['zh-TW', '退出 Veracall', 'Ada 来电', '选择包含检测模型的文件夹'],
      ['en-US', 'Quit Veracall', 'Ada is calling', 'Choose a folder with a detector model'],
      ['de-DE', 'Quit Veracall', 'Ada is calling', 'Choose a folder with a detector model'],
    ] as const) {
      const { adapter } = await startMain({ locale })
      expect(adapter.trays[0]?.menu.map((m) => m.label)).toContain(tray)
      const invoke = (channel: string, ...args: unknown[]) =>
        adapter.ipcMain.invoke('app://veracall/index.html', channel, ...args)
      await invoke('call:incoming', { callId: 5, callerName: 'Ada', callType: 'video' })
      expect(adapter.notifications.map((n) => n.options.title)).toEqual([title])
      await invoke('settings:chooseModelFolder')
      expect(adapter.folderTitles).toEqual([dialog])
    }
  })

  it('speaks the language chosen in the app, switching live, and the OS language for "system"', async () => {
    // Before: main spoke the OS language whatever the person chose in the app.
    const { adapter } = await startMain({ locale: 'en-US', settingsFile: { language: 'zh-CN' } })
    const tray = () => adapter.trays[0]?.menu.map((m) => m.label) ?? []
    const invoke = (channel: string, ...args: unknown[]) =>
      adapter.ipcMain.invoke('app://veracall/index.html', channel, ...args)
    expect(tray()).toContain('退出 Veracall')

    await invoke('settings:update', { language: 'en' })
    await expect.poll(tray).toContain('Quit Veracall')
    await invoke('call:incoming', { callId: 5, callerName: 'Ada', callType: 'video' })
    await invoke('settings:chooseModelFolder')
    expect(adapter.notifications.map((n) => n.options.title)).toEqual(['Ada is calling'])
    expect(adapter.folderTitles).toEqual(['Choose a folder with a detector model'])

    await invoke('settings:update', { language: 'zh-CN' })
    await expect.poll(tray).toContain('退出 Veracall')
    await invoke('call:ringEnded', 5)
    await invoke('call:incoming', { callId: 6, callerName: 'Ada', callType: 'audio' })
    expect(adapter.notifications.at(-1)?.options.title).toBe('Ada 来电')

    // 'system' follows app.getLocale() (English here).
    await invoke('settings:update', { language: 'system' })
    await expect.poll(tray).toContain('Quit Veracall')
    expect(tray()).not.toContain('退出 Veracall')
  })

  it('saves a call recording where the save dialog says, as a private .webm, or not at all', async () => {
    const { adapter } = await startMain({ locale: 'zh-CN' })
    const invoke = (...args: unknown[]) =>
      adapter.ipcMain.invoke('app://veracall/index.html', 'recording:save', ...args)
    const bytes = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01])
    const file = { suggestedName: '与 Ada 的 Veracall 通话', data: bytes.buffer }
    const dir = await mkdtemp(path.join(tmpdir(), 'veracall-rec-'))
    dirs.push(dir)
    // Cancelled: nothing is written.
    expect(await invoke(file)).toEqual({ ok: true, value: false })
    expect(await readdir(dir)).toEqual([])
    // Saved under the chosen name, `.webm` added, readable by this user only.
    adapter.savePath = path.join(dir, 'call')
    expect(await invoke(file)).toEqual({ ok: true, value: true })
    expect(new Uint8Array(await readFile(path.join(dir, 'call.webm')))).toEqual(bytes)
    expect((await stat(path.join(dir, 'call.webm'))).mode & 0o777).toBe(0o600)
    expect(adapter.saveDialogs).toEqual([
      {
        title: '保存通话录制',
        defaultName: '与 Ada 的 Veracall 通话.webm',
        filterName: 'WebM 视频',
      },
      {
        title: '保存通话录制',
        defaultName: '与 Ada 的 Veracall 通话.webm',
        filterName: 'WebM 视频',
      },
    ])
    // Not a WebM, or a name with a path in it: refused before any dialog opens.
    for (const bad of [
      { ...file, data: new TextEncoder().encode('#!/bin/sh').buffer },
      { ...file, suggestedName: '../../.profile' },
    ])
      expect(await invoke(bad)).toEqual({ ok: false, error: { code: 'invalid_argument' } })
    expect(adapter.saveDialogs).toHaveLength(2)
    expect(await readdir(dir)).toEqual(['call.webm'])
  })

  it('installs the private-network request filter on the session', async () => {
    const { adapter } = await startMain()
    expect(adapter.session.webRequest.allows('http://192.168.1.20:47800/')).toBe(true)
    expect(adapter.session.webRequest.allows('http://calls.example.org/')).toBe(false)
  })

  it('changing detector settings mid-call keeps the call analysed, or says "off"', async () => {
    const hosts: { sessions: Set<number>; rates: number[]; stopped: boolean }[] = []
    const detector: DetectorModule = {
      createDetectorHost: () => {
        const listeners = new Set<(u: RiskUpdate) => void>()
        const state = { sessions: new Set<number>(), rates: [] as number[], stopped: false }
        hosts.push(state)
        const host: DetectorHost = {
          status: async () => ({ available: true, model: null, fps: 5 }),
          startSession: async (callId) => {
            state.sessions.add(callId)
            for (const l of listeners)
              l({ callId, level: 'analysing', score: null, history: [], model: null })
          },
          submitFrame: async () => undefined,
          endSession: async (callId) => (state.sessions.delete(callId), null),
          verify: async () => undefined,
          setAnalysisRate: (fps) => void state.rates.push(fps),
          onRisk: (listener) => (listeners.add(listener), () => void listeners.delete(listener)),
          stop: async () => void (state.stopped = true),
        }
        return host
      },
    }
    const { adapter, window } = await startMain({ detector })
    const invoke = (channel: string, ...args: unknown[]) =>
      adapter.ipcMain.invoke('app://veracall/index.html', channel, ...args)
    expect(await invoke('detector:startSession', 4)).toEqual({ ok: true, value: null })

    await invoke('settings:update', { analysisRate: 3 })
    // The rate changes in place: the same host, the call still open on it.
    await expect.poll(() => hosts[0]?.rates).toEqual([3])
    expect(hosts).toHaveLength(1)
    expect(hosts[0]?.stopped).toBe(false)

    await invoke('settings:update', { detectionEnabled: false })
    await expect
      .poll(() => sentOn(window, 'event:risk').at(-1))
      .toEqual({
        callId: 4,
        level: 'off',
        score: null,
        history: [],
        model: null,
      })
    expect(hosts[0]?.stopped).toBe(true)

    await invoke('settings:update', { detectionEnabled: true })
    await expect.poll(() => hosts[1]?.sessions).toEqual(new Set([4]))
    expect(sentOn(window, 'event:risk').at(-1)).toMatchObject({ callId: 4, level: 'analysing' })
  })
})
