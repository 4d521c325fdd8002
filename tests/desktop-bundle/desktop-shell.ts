/**
 * The desktop app minus Electron, for the bundle-in-Chromium test: the production build from
 * `electron-vite build`, main's real services (`servicesStarter`: app:// handler with its CSP,
 * settings, embedded signaling server, IPC validation and handlers) over the fake Electron
 * adapter, and the built preload run in the page against a fake `electron` module whose
 * ipcRenderer forwards to main's IPC handlers through a Playwright binding.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { BrowserContext, Page } from 'playwright-core'
import { servicesStarter } from '../../src/main/start-services.js'
import type { Services } from '../../src/main/lifecycle.js'
import { APP_ORIGIN } from '../../src/shared/ipc-contract.js'
import { FakeAdapter, type FakeWindow } from '../main/fakes.js'

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)))

/** `npm run build` (electron-vite build: main, preload, renderer) into a temp dir; no Electron binary needed. */
export async function buildDesktopBundle(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'veracall-desktop-'))
  const cli = join(root, 'node_modules/electron-vite/bin/electron-vite.js')
  await promisify(execFile)(
    process.execPath,
    [cli, 'build', '--outDir', outDir, '--logLevel', 'error'],
    { cwd: root, timeout: 120_000 },
  )
  return outDir
}

/**
 * Serves app:// requests over http://localhost (a secure context Chromium can load): each request
 * is handed, as `app://veracall/<path>`, to the handler main registered on the session, so the
 * bytes and headers (CSP included) are exactly what the app:// scheme would return.
 */
export async function serveAppScheme(
  handler: () => ((request: Request) => Response | Promise<Response>) | undefined,
): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    const handle = handler()
    if (handle === undefined) {
      res.writeHead(503).end()
      return
    }
    const request = new Request(APP_ORIGIN + (req.url ?? '/'), { method: req.method ?? 'GET' })
    void Promise.resolve(handle(request)).then(
      async (response) => {
        response.headers.forEach((value, name) => res.setHeader(name, value))
        res.writeHead(response.status)
        res.end(Buffer.from(await response.arrayBuffer()))
      },
      () => res.writeHead(500).end(),
    )
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return { origin: `http://localhost:${address.port}`, server }
}

export interface DesktopMain {
  adapter: FakeAdapter
  services: Services
  /** The window main created (its webContents records what main sent). */
  window: FakeWindow
}

/**
 * Runs main's service start-up for real, with `pageOrigin` standing in for app://veracall
 * everywhere main checks the origin (IPC sender, the embedded server's CORS/WebSocket origins).
 */
export async function startDesktopMain(options: {
  outDir: string
  userData: string
  pageOrigin: string
}): Promise<DesktopMain> {
  const adapter = new FakeAdapter(options.userData)
  // No keyring on CI either: main falls back to a 0600 secret file.
  adapter.safeStorage.available = false
  const start = servicesStarter({
    paths: {
      preload: join(options.outDir, 'preload/index.cjs'),
      rendererDir: join(options.outDir, 'renderer'),
      iconsDir: join(root, 'resources/icons'),
      modelsDir: join(options.userData, 'no-models'),
      detectorWorker: null,
      devServerUrl: undefined,
    },
    loadSignaling: async () => (await import('veracall-signaling')).createSignalingServer,
    lanAddresses: () => [],
    log: () => undefined,
  })
  const services = await start({
    adapter,
    allowedOrigins: [options.pageOrigin],
    isQuitting: () => false,
    pendingDeepLink: null,
  })
  const window = adapter.windows[0]
  if (window === undefined) throw new Error('main created no window')
  return { adapter, services, window }
}

/**
 * Makes the built preload (CommonJS, `require('electron')` only, as in Electron's sandbox) run
 * before any page script. Its ipcRenderer.invoke goes to main's registered handler with the
 * calling frame's URL as `senderFrame.url`; `deliver` plays `webContents.send` into the page.
 */
export async function installPreload(
  context: BrowserContext,
  main: DesktopMain,
  preloadFile: string,
): Promise<{ deliver(page: Page, channel: string, payload: unknown): Promise<void> }> {
  await context.exposeBinding(
    '__veracallIpcInvoke',
    async ({ frame }, channel: unknown, args: unknown) => {
      const handler = main.adapter.ipcMain.handlers.get(String(channel))
      if (handler === undefined) throw new Error(`No handler registered for '${String(channel)}'`)
      return handler({ senderFrame: { url: frame.url() } }, ...(args as unknown[]))
    },
  )
  const preload = readFileSync(preloadFile, 'utf8')
  await context.addInitScript({
    content: `(() => {
  const invoke = globalThis.__veracallIpcInvoke
  const listeners = new Map()
  const ipcRenderer = {
    invoke: (channel, ...args) => invoke(channel, args),
    on(channel, listener) {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener])
      return ipcRenderer
    },
    removeListener(channel, listener) {
      listeners.set(channel, (listeners.get(channel) ?? []).filter((l) => l !== listener))
      return ipcRenderer
    },
  }
  const contextBridge = {
    exposeInMainWorld(key, api) {
      Object.defineProperty(globalThis, key, { value: api, enumerable: true })
    },
  }
  Object.defineProperty(globalThis, '__veracallIpcDeliver', {
    value: (channel, payload) => {
      for (const listener of listeners.get(channel) ?? []) listener({ sender: 'IpcRendererEvent' }, payload)
    },
  })
  const require = (id) => {
    if (id === 'electron') return { contextBridge, ipcRenderer }
    throw new Error('module not found in a sandboxed preload: ' + id)
  }
  const module = { exports: {} }
  ;(function (require, module, exports) {
${preload}
  })(require, module, module.exports)
})()`,
  })
  return {
    async deliver(page, channel, payload) {
      await page.evaluate(
        ([c, p]) =>
          (
            globalThis as unknown as { __veracallIpcDeliver(c: unknown, p: unknown): void }
          ).__veracallIpcDeliver(c, p),
        [channel, payload] as const,
      )
    },
  }
}
