/// <reference lib="dom" />
/**
 * The desktop build of the UI in Chromium (issue 6, E1 in-page, E3): the output of
 * `electron-vite build` served through main's own app:// handler (same bytes, same CSP header),
 * the built preload run against a fake `electron` module wired to main's real IPC handlers, and
 * main's real embedded signaling server behind them. A person registers through the desktop
 * platform path and lands on the home screen with no CSP violation and no console error.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// The preload's global `window.veracall` declaration.
import type {} from '../../src/preload/api.js'
import { buildCsp, buildMetaCsp } from 'veracall-signaling/protocol'
import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  eventMethodName,
  invokeMethodName,
} from '../../src/shared/ipc-contract.js'
import {
  buildDesktopBundle,
  installPreload,
  serveAppScheme,
  startDesktopMain,
  type DesktopMain,
} from './desktop-shell.js'
import { CHROMIUM_ARGS } from '../e2e/harness.js'

const CHROMIUM = '/usr/bin/chromium'
const root = resolve(fileURLToPath(new URL('../..', import.meta.url)))
/** Rewritten when UPDATE_SCREENSHOTS=1 (or missing). */
const SCREENSHOT = join(root, 'docs/screenshots/desktop-bundle.png')
const SETTINGS_SCREENSHOT = join(root, 'docs/screenshots/13-settings-desktop.png')

type Probe = { __cspViolation(line: string): void }

describe.skipIf(!existsSync(CHROMIUM))('desktop renderer bundle in Chromium', () => {
  const temp = mkdtempSync(join(tmpdir(), 'veracall-desktop-test-'))
  let outDir = ''
  let http: Server | null = null
  let origin = ''
  let main: DesktopMain | null = null
  let browser: Browser | null = null
  let context: BrowserContext | null = null
  let page: Page
  const consoleErrors: string[] = []
  const cspViolations: string[] = []

  beforeAll(async () => {
    outDir = await buildDesktopBundle()
    const served = await serveAppScheme(() => main?.adapter.session.protocol.handled.get('app'))
    http = served.server
    origin = served.origin
    main = await startDesktopMain({ outDir, userData: join(temp, 'user-data'), pageOrigin: origin })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    })
    context = await browser.newContext({ viewport: { width: 1200, height: 760 }, locale: 'en-US' })
    const preload = await installPreload(context, main, join(outDir, 'preload/index.cjs'))
    // Collected in Node, so violations from before a reload count too.
    await context.exposeFunction('__cspViolation', (line: string) => cspViolations.push(line))
    await context.addInitScript(() => {
      const report = (globalThis as unknown as Probe).__cspViolation
      document.addEventListener('securitypolicyviolation', (e) =>
        // Which copy of the policy fired: only the header one has frame-ancestors.
        report(
          `${e.violatedDirective} ${e.blockedURI} ${e.originalPolicy.includes('frame-ancestors') ? 'header' : 'meta'}`,
        ),
      )
    })
    page = await context.newPage()
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text())
    })
    page.on('pageerror', (e) => consoleErrors.push(e.message))
    // webContents.send reaches the page the way the preload's ipcRenderer.on would get it.
    const contents = main.window.webContents
    contents.send = (channel, payload) => {
      contents.sent.push({ channel, payload })
      void preload.deliver(page, channel, payload).catch(() => undefined)
    }
  }, 90_000)

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await main?.services.stop()
    await new Promise((done) => (http ? http.close(done) : done(undefined)))
    rmSync(temp, { recursive: true, force: true })
    if (outDir !== '') rmSync(outDir, { recursive: true, force: true })
  })

  it('main loads app://veracall/index.html, served with the production CSP header', async () => {
    expect(main?.window.loaded).toEqual(['app://veracall/index.html'])
    const response = await page.goto(`${origin}/index.html`)
    expect(response?.status()).toBe(200)
    expect(response?.headers()['content-security-policy']).toBe(
      buildCsp({ target: 'desktop', dev: false }),
    )
    // The built page carries exactly one CSP <meta>, the production one (E3).
    const html = readFileSync(join(outDir, 'renderer/index.html'), 'utf8')
    const metas = [
      ...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/gi),
    ]
    expect(metas.map((m) => m[1]?.replaceAll('&#39;', "'"))).toEqual([
      buildMetaCsp({ target: 'desktop', dev: false }),
    ])
    await page.getByRole('tab', { name: 'Create account' }).waitFor()
    await page.getByRole('tab', { name: 'Sign in' }).waitFor()
  })

  it('the page has the preload API and no Node globals (E1)', async () => {
    const globals = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      module: typeof (globalThis as { module?: unknown }).module,
      api: Object.keys(window.veracall ?? {}).sort(),
      frozen: Object.isFrozen(window.veracall),
    }))
    expect(globals.require).toBe('undefined')
    expect(globals.process).toBe('undefined')
    expect(globals.module).toBe('undefined')
    expect(globals.frozen).toBe(true)
    expect(globals.api).toEqual(
      [...INVOKE_CHANNELS.map(invokeMethodName), ...EVENT_CHANNELS.map(eventMethodName)].sort(),
    )
  })

  it('the sign-in screen offers the embedded server main started', async () => {
    const info = await page.evaluate(() => window.veracall?.serverGetInfo())
    expect(info).toMatchObject({ ok: true, value: { running: true, sharing: false } })
    const url = info?.ok === true ? info.value.localUrl : null
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    await expect.poll(() => page.getByLabel('Server').inputValue()).toBe(url)
  })

  it('registers through the desktop platform, keeps the token in main, reaches home', async () => {
    await page.getByRole('tab', { name: 'Create account' }).click()
    await page.getByLabel('Username').fill('ada_desktop')
    await page.getByLabel('Display name').fill('Ada Desktop')
    await page.getByLabel('Password').fill('correct horse battery')
    await page.getByRole('button', { name: 'Create account', exact: true }).click()
    await page.getByRole('heading', { name: 'Hello, Ada Desktop' }).waitFor({ timeout: 15_000 })

    // The token went to main over IPC (R3), not into the page's storage.
    const token = await main?.adapter.ipcMain.invoke(`${origin}/index.html`, 'auth:getToken')
    expect(token).toMatchObject({
      ok: true,
      value: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]*$/),
    })
    const jwt = (token as { value: string }).value
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))
    expect(stored).not.toContain(jwt)
    // Preferences have one owner in the desktop app: main's settings, not the page's storage.
    // The embedded server is kept as the default (''): its port is this launch's.
    const settings = async (): Promise<unknown> =>
      main?.adapter.ipcMain.invoke(`${origin}/index.html`, 'settings:get')
    await expect.poll(settings).toMatchObject({
      ok: true,
      value: { lastUsername: 'ada_desktop', serverUrl: '', localPrefsImported: true },
    })
    expect(JSON.stringify(await settings())).not.toContain(jwt)
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([])

    // The events socket to the embedded server passed its origin check.
    await page.getByText('Online', { exact: true }).waitFor()

    // A reload (a crashed renderer, E20) signs back in with the token main still holds.
    await page.reload()
    await page.getByRole('heading', { name: 'Hello, Ada Desktop' }).waitFor({ timeout: 15_000 })

    // The committed picture is refreshed on request, so a test run leaves the tree clean.
    const shot = await page.screenshot()
    expect(shot.byteLength).toBeGreaterThan(10_000)
    if (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(SCREENSHOT)) {
      mkdirSync(dirname(SCREENSHOT), { recursive: true })
      writeFileSync(SCREENSHOT, shot)
    }
  })

  it('IPC from the page is validated by main and events reach listeners as the payload only', async () => {
    const result = await page.evaluate(async () => {
      const api = window.veracall
      if (api === undefined) throw new Error('no preload API')
      const received: unknown[][] = []
      const off = api.onSettingsChanged((...args: unknown[]) => received.push(args))
      const bad = await api.settingsUpdate({ analysisRate: 99 })
      const good = await api.settingsUpdate({ doNotDisturb: true })
      // Main's send is forwarded asynchronously: wait for it.
      for (let i = 0; i < 50 && received.length === 0; i++)
        await new Promise((r) => setTimeout(r, 20))
      off()
      return { bad, good, received }
    })
    expect(result.bad).toEqual({ ok: false, error: { code: 'invalid_argument' } })
    expect(result.good).toMatchObject({ ok: true, value: { doNotDisturb: true } })
    expect(result.received).toHaveLength(1)
    expect(result.received[0]).toHaveLength(1)
    expect(result.received[0]?.[0]).toMatchObject({ doNotDisturb: true })
  })

  it("the Desktop settings section shows main's settings and changes them through IPC", async () => {
    const mainSettings = async (): Promise<unknown> =>
      main?.adapter.ipcMain.invoke(`${origin}/index.html`, 'settings:get')
    // The previous test turned do-not-disturb on in main.
    expect(await mainSettings()).toMatchObject({ ok: true, value: { doNotDisturb: true } })
    await page.getByRole('button', { name: 'Settings' }).click()
    await page.getByRole('heading', { name: 'Desktop' }).waitFor()
    const dnd = page.getByLabel('Do not disturb')
    await expect.poll(() => dnd.isChecked()).toBe(true)
    // Keyboard: focus the checkbox and press Space.
    await dnd.focus()
    await page.keyboard.press('Space')
    await expect.poll(mainSettings).toMatchObject({ ok: true, value: { doNotDisturb: false } })
    await expect.poll(() => dnd.isChecked()).toBe(false)
    await page.getByLabel(/Analysis rate/).fill('5')
    await expect.poll(mainSettings).toMatchObject({ ok: true, value: { analysisRate: 5 } })
    await page.getByText('Analysis rate: 5 frames per second').waitFor()

    const section = page.locator('section.desktop-settings')
    const shot = await section.screenshot()
    expect(shot.byteLength).toBeGreaterThan(5_000)
    if (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(SETTINGS_SCREENSHOT)) {
      mkdirSync(dirname(SETTINGS_SCREENSHOT), { recursive: true })
      writeFileSync(SETTINGS_SCREENSHOT, shot)
    }
  })

  it('fired no CSP violation and logged no console error', async () => {
    expect(cspViolations).toEqual([])
    expect(consoleErrors).toEqual([])
  })

  it('control: an inline script is reported, once by the header policy and once by the meta', async () => {
    const before = cspViolations.length
    await page.evaluate(() => {
      const script = document.createElement('script')
      script.textContent = 'void 0'
      document.body.append(script)
    })
    // Both copies of the policy are in force: the app:// header and the built index.html meta.
    await expect
      .poll(() => cspViolations.slice(before).sort())
      .toEqual(['script-src-elem inline header', 'script-src-elem inline meta'])
  })

  it("someone's shared LAN server (plain http/ws, E22) passes both policies", async () => {
    // Main's request filter, not the CSP, keeps plain http/ws to private hosts (E3 + E22).
    expect(main?.adapter.session.webRequest.allows('http://calls.example.org/')).toBe(false)
    const before = cspViolations.length
    await page.evaluate(async () => {
      await fetch('http://192.168.1.20:47800/api/health').catch(() => undefined)
      new WebSocket('ws://192.168.1.20:47800/ws/events').close()
      // A request the policy does refuse, so the check below waits for the reports to arrive.
      await fetch('data:text/plain,x').catch(() => undefined)
    })
    await expect.poll(() => cspViolations.length).toBeGreaterThan(before)
    expect(cspViolations.slice(before).filter((v) => v.includes('192.168.1.20:47800'))).toEqual([])
  })
})
