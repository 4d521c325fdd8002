/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Shared by the e2e suite and bench/call.ts: build the web client once, run the real signaling
 * server on 127.0.0.1 (temp SQLite) behind a small TCP proxy that can cut the call sockets, and
 * drive Debian Chromium with a fake camera and microphone.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { createSignalingServer, type SignalingServer } from 'veracall-signaling'
import { ROUTES } from 'veracall-signaling/protocol'

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)))
// Under vitest what starts here also stops by itself, even when a sibling in the caller's
// Promise.all fails and the caller never gets the handle; the bench stops what it starts.
const cleanup = process.env.VITEST ? await import('../cleanup.js') : null
export const CHROMIUM = '/usr/bin/chromium'
export const chromiumAvailable = (): boolean => existsSync(CHROMIUM)

let built: Promise<string> | null = null
/** Builds the production web client once per test file (or process) into a temp dir. */
export function buildWebClient(): Promise<string> {
  built ??= (async () => {
    const { build } = await import('vite')
    const outDir = mkdtempSync(join(tmpdir(), 'veracall-web-'))
    cleanup?.onFileCleanup(() => {
      built = null
      rmSync(outDir, { recursive: true, force: true })
    })
    await build({
      configFile: join(root, 'vite.config.ts'),
      logLevel: 'error',
      build: { outDir, emptyOutDir: true },
    })
    return outDir
  })()
  return built
}

/** Forwards TCP to the server and can drop the connections whose request matches a path. */
class CuttingProxy {
  private readonly server: Server
  private readonly conns = new Map<Socket, string>()
  /** How many connections opened whose first request line contained each path prefix. */
  readonly opened = new Map<string, number>()

  constructor(private readonly targetPort: number) {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1')
      let first = true
      client.on('data', (chunk: Buffer) => {
        if (first) {
          first = false
          const line =
            chunk.toString('latin1', 0, Math.min(chunk.length, 200)).split('\r\n')[0] ?? ''
          this.conns.set(client, line)
          const path = line.split(' ')[1] ?? ''
          const key = path.startsWith('/ws/call/') ? '/ws/call/' : (path.split('?')[0] ?? path)
          this.opened.set(key, (this.opened.get(key) ?? 0) + 1)
        }
        upstream.write(chunk)
      })
      upstream.on('data', (chunk: Buffer) => client.write(chunk))
      const end = (): void => {
        this.conns.delete(client)
        client.destroy()
        upstream.destroy()
      }
      client.on('close', end)
      upstream.on('close', end)
      client.on('error', end)
      upstream.on('error', end)
    })
  }

  listen(): Promise<number> {
    return new Promise((res) => {
      this.server.listen(0, '127.0.0.1', () => {
        const address = this.server.address()
        res(typeof address === 'object' && address ? address.port : 0)
      })
    })
  }

  /** Destroys live connections whose request line contains `fragment` (a network failure). */
  cut(fragment: string): number {
    let n = 0
    for (const [socket, line] of this.conns) {
      if (line.includes(fragment)) {
        socket.destroy()
        n += 1
      }
    }
    return n
  }

  close(): Promise<void> {
    for (const socket of this.conns.keys()) socket.destroy()
    return new Promise((res) => this.server.close(() => res()))
  }
}

export interface Stack {
  /** http://localhost:<proxy port>, a secure context for getUserMedia. */
  url: string
  proxy: CuttingProxy
  server: SignalingServer
  stop(): Promise<void>
}

/**
 * The detector bridge with the bundled model, attached to the server as `npm start` does (the page
 * finds it at /detector on its own origin), or null when the model is absent.
 */
async function attachDetector(server: SignalingServer): Promise<{ close(): Promise<void> } | null> {
  const modelDir = join(root, 'resources', 'models')
  if (!existsSync(join(modelDir, 'model.onnx')) || !server.app) return null
  const { attachWebBridge } = await import('../../src/main/detector/web-bridge.js')
  return attachWebBridge(server.app.server, { modelDir, analysisRate: 2 })
}

export async function startStack(
  options: { ringTimeoutS?: number; detector?: boolean } = {},
): Promise<Stack> {
  const webRoot = await buildWebClient()
  const dir = mkdtempSync(join(tmpdir(), 'veracall-e2e-'))
  cleanup?.onCleanup(() => rmSync(dir, { recursive: true, force: true }))
  const server = createSignalingServer({
    env: {
      JWT_SECRET: randomBytes(40).toString('hex'),
      DB_PATH: join(dir, 'signaling.db'),
      RING_TIMEOUT_S: String(options.ringTimeoutS ?? 45),
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      // The test's own Playwright client shares this process's event loop: don't shed its load
      // (a shed calls/end left a person in the call on a busy machine).
      SHED_LOAD: 'off',
    },
    // Many registrations and calls from one IP in a short run.
    config: { rateLimit: { global: 10_000, auth: 1000, callStart: 1000 }, scryptN: 2 ** 10 },
    webRoot,
  })
  const address = await server.start()
  const proxy = new CuttingProxy(address.port)
  const port = await proxy.listen()
  const detector = options.detector ? await attachDetector(server) : null
  let stopped: Promise<void> | undefined
  // Once, whether the caller's afterAll or the cleanup gets there first.
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await detector?.close()
      await proxy.close()
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    })())
  cleanup?.onCleanup(stop)
  return { url: `http://localhost:${port}/`, proxy, server, stop }
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
]

/** `extraArgs` are per process, e.g. `--use-file-for-fake-video-capture=clip.y4m`. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  })
  cleanup?.onCleanup(() => browser.close())
  return browser
}

export interface Person {
  context: BrowserContext
  page: Page
  username: string
  displayName: string
  cspViolations: string[]
  consoleErrors: string[]
  /** The UI words this person's app shows (its language). */
  labels: Labels
}

type Labels = (typeof LABELS)['en']
const LABELS = {
  en: {
    tab: 'Create account',
    submit: 'Create account',
    username: 'Username',
    displayName: 'Display name',
    password: 'Password',
    hello: (n: string) => `Hello, ${n}`,
    search: 'Search people',
    results: 'People',
    callWith: (kind: 'video' | 'audio', n: string) =>
      `${kind === 'video' ? 'Video' : 'Audio'} call with ${n}`,
    hangUp: 'Hang up',
  },
  zh: {
    tab: '注册',
    submit: '创建账号',
    username: '用户名',
    displayName: '显示名称',
    password: '密码',
    hello: (n: string) => `你好，${n}`,
    search: '搜索联系人',
    results: '联系人',
    callWith: (kind: 'video' | 'audio', n: string) =>
      `与 ${n} ${kind === 'video' ? '视频' : '语音'}通话`,
    hangUp: '挂断',
  },
}

/** A browser context with no STUN servers (media stays on loopback), registered as a new user. */
export async function registerPerson(
  browser: Browser,
  url: string,
  displayName: string,
  options: {
    language?: string
    colorScheme?: 'light' | 'dark'
    /** Run in every page before the app loads (the call bench's instrumentation). */
    initScript?: () => void
  } = {},
): Promise<Person> {
  const context = await browser.newContext({
    viewport: { width: 1200, height: 760 },
    locale: options.language ?? 'en-US',
    colorScheme: options.colorScheme ?? 'light',
    permissions: ['camera', 'microphone'],
  })
  // tsx (esbuild keepNames) wraps functions passed to page.evaluate in __name(); give pages a no-op.
  await context.addInitScript({ content: 'globalThis.__name ??= (f) => f' })
  await context.addInitScript(() => {
    localStorage.setItem('veracall.prefs', JSON.stringify({ stunUrls: [] }))
    document.addEventListener('securitypolicyviolation', (e) => {
      ;(window as unknown as { __csp: string[] }).__csp ??= []
      ;(window as unknown as { __csp: string[] }).__csp.push(
        `${e.violatedDirective} ${e.blockedURI}`,
      )
    })
  })
  if (options.initScript) await context.addInitScript(options.initScript)
  const page = await context.newPage()
  const zh = options.language?.startsWith('zh') ?? false
  const l = zh ? LABELS.zh : LABELS.en
  const person: Person = {
    context,
    page,
    // Within the username rule (3–32 of [A-Za-z0-9_.-]) whatever the display name.
    username: `${displayName
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 24)}_${randomBytes(3).toString('hex')}`,
    displayName,
    cspViolations: [],
    consoleErrors: [],
    labels: l,
  }
  page.on('console', (m) => {
    // A server without TURN answers the per-call credential request with 404, by contract, and
    // the app calls without TURN; Chromium logs every 4xx fetch, so that one is no app error.
    if (m.type() === 'error' && m.location().url.endsWith(ROUTES.turnCredentials)) return
    // Errors, and the call session's own warnings (negotiation errors carry a code).
    if (m.type() === 'error' || (m.type() === 'warning' && m.text().startsWith('[call ')))
      person.consoleErrors.push(m.text())
  })
  await page.goto(url)
  await page.getByRole('tab', { name: l.tab }).click()
  await page.getByLabel(l.username).fill(person.username)
  await page.getByLabel(l.displayName).fill(displayName)
  await page.getByLabel(l.password).fill('correct horse battery')
  await page.getByRole('button', { name: l.submit, exact: true }).click()
  await page.getByRole('heading', { name: l.hello(displayName) }).waitFor()
  return person
}

/**
 * Signs `person` in again after a reload (the token is kept in memory only). `timeout` bounds each
 * step: a page reloaded next to a running call can be slow on a loaded machine.
 */
export async function signInAgain(person: Person, timeout = 30_000): Promise<void> {
  const { page } = person
  await page.getByRole('heading', { name: 'Welcome back' }).waitFor({ timeout })
  await page.getByLabel('Username').fill(person.username, { timeout })
  await page.getByLabel('Password').fill('correct horse battery', { timeout })
  await page.getByRole('button', { name: 'Sign in', exact: true }).click({ timeout })
  await page
    .getByRole('heading', { name: person.labels.hello(person.displayName) })
    .waitFor({ timeout })
}

/** Frames decoded by a <video> so far (0 when it has none). */
export function decodedFrames(page: Page, testId: string): Promise<number> {
  return page.evaluate((id) => {
    const v = document.querySelector<HTMLVideoElement>(`[data-testid="${id}"]`)
    return v ? v.getVideoPlaybackQuality().totalVideoFrames : 0
  }, testId)
}

/**
 * Waits until the remote video has a size and its decoded frame count keeps rising. `firstFrameMs`
 * is how long the first frame may take (more when the whole suite shares the machine).
 */
export async function expectVideoPlaying(
  page: Page,
  testId = 'remote-video',
  firstFrameMs = 20_000,
): Promise<void> {
  await page.waitForFunction(
    (id) => {
      const v = document.querySelector<HTMLVideoElement>(`[data-testid="${id}"]`)
      return !!v && v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames > 0
    },
    testId,
    { timeout: firstFrameMs },
  )
  const before = await decodedFrames(page, testId)
  await page.waitForFunction(
    ({ id, n }) => {
      const v = document.querySelector<HTMLVideoElement>(`[data-testid="${id}"]`)
      return !!v && v.getVideoPlaybackQuality().totalVideoFrames > n + 5
    },
    { id: testId, n: before },
    { timeout: 10_000 },
  )
}

export async function searchAndCall(
  caller: Person,
  callee: Person,
  kind: 'video' | 'audio',
): Promise<void> {
  const { page, labels } = caller
  await page.getByLabel(labels.search).fill(callee.username)
  const button = page
    .getByRole('list', { name: labels.results })
    .getByRole('button', { name: labels.callWith(kind, callee.displayName) })
  await button.waitFor()
  await button.click()
}

export async function closePerson(person: Person): Promise<void> {
  await person.context.close()
}

const DOCS_SHOTS = resolve(fileURLToPath(new URL('../../docs/screenshots', import.meta.url)))
const TMP_SHOTS = join(tmpdir(), 'veracall-e2e-screenshots')
/**
 * Every screen is captured on every run; docs/screenshots is rewritten only with
 * UPDATE_SCREENSHOTS=1 (or for a missing file), so a test run leaves the shared tree clean.
 */
export async function shot(page: Page, name: string): Promise<void> {
  const docPath = join(DOCS_SHOTS, `${name}.png`)
  const update = process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(docPath)
  const dir = update ? DOCS_SHOTS : TMP_SHOTS
  mkdirSync(dir, { recursive: true })
  // A loaded machine can take long to load the CJK fonts a screenshot waits for: allow it.
  await page.screenshot({ path: join(dir, `${name}.png`), timeout: 60_000 })
}
