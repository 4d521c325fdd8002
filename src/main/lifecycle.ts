import type { BrowserWindowLike, ElectronAdapter } from './electron-adapter.js'
import { APP_ORIGIN, APP_SCHEME, DEEP_LINK_SCHEME, type DeepLink } from '../shared/ipc-contract.js'
import { findDeepLink, parseDeepLink } from './deep-links.js'
import { installWebContentsPolicy } from './security/navigation.js'
import { revealWindow } from './windows/main-window.js'

export interface RunOptions {
  /** The Vite dev server URL in development (ELECTRON_RENDERER_URL), else undefined. */
  devServerUrl: string | undefined
  argv: readonly string[]
  log(message: string): void
}

/** Services started once the app is ready (start-services.ts); stopped on quit. */
export interface Services {
  window(): BrowserWindowLike | null
  deliverDeepLink(link: DeepLink): void
  stop(): Promise<void>
}
export type StartServices = (context: {
  adapter: ElectronAdapter
  allowedOrigins: readonly string[]
  isQuitting(): boolean
  pendingDeepLink: DeepLink | null
}) => Promise<Services>

/**
 * The dev server URL from ELECTRON_RENDERER_URL. Only an unpackaged app honours it, and only an
 * http(s) URL counts: an empty value (as the Electron e2e test passes) or anything else means
 * "load the built renderer from app://", instead of `new URL('')` throwing before any window.
 */
export function devServerUrlFrom(
  value: string | undefined,
  isPackaged: boolean,
  log: (message: string) => void,
): string | undefined {
  if (isPackaged || value === undefined || value.trim() === '') return undefined
  const url = URL.canParse(value) ? new URL(value) : null
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    log('ignoring ELECTRON_RENDERER_URL: not an http(s) URL')
    return undefined
  }
  return url.href
}

/** The origins allowed to navigate, call IPC and get permissions: the app, plus Vite in dev. */
export function allowedOriginsFor(devServerUrl: string | undefined, isPackaged: boolean): string[] {
  if (isPackaged || devServerUrl === undefined) return [APP_ORIGIN]
  return [APP_ORIGIN, new URL(devServerUrl).origin]
}

/**
 * The process lifecycle: privileged scheme and sandbox before `ready` (E2), single-instance lock
 * with deep links routed through one parser (E19), one navigation policy for every webContents
 * (E4/E5), and a quit that waits for the embedded server and the detector to stop.
 */
export function runApp(
  adapter: ElectronAdapter,
  options: RunOptions,
  startServices: StartServices,
): void {
  const { app } = adapter
  adapter.registerSchemesAsPrivileged([APP_SCHEME])
  app.enableSandbox()
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }
  app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME)

  const allowedOrigins = allowedOriginsFor(options.devServerUrl, app.isPackaged)
  const policy = {
    allowedOrigins,
    openExternal: (url: string) => adapter.openExternal(url),
    log: options.log,
  }
  installWebContentsPolicy(app, policy)

  let services: Services | null = null
  let pendingDeepLink = findDeepLink(options.argv)
  let quitting = false
  let stopped = false

  const route = (link: DeepLink | null): void => {
    if (link === null) return
    if (services === null) pendingDeepLink = link
    else services.deliverDeepLink(link)
  }
  app.on('second-instance', (_event, argv) => {
    revealWindow(services?.window() ?? null)
    route(findDeepLink(argv))
  })
  app.on('open-url', (event, url) => {
    event.preventDefault()
    route(parseDeepLink(url))
  })
  app.on('activate', () => revealWindow(services?.window() ?? null))
  app.on('window-all-closed', () => {
    if (adapter.platform !== 'darwin') app.quit()
  })
  app.on('before-quit', (event) => {
    quitting = true
    if (stopped || services === null) return
    event.preventDefault()
    const running = services
    services = null
    void running
      .stop()
      .catch((error: unknown) => options.log(`shutdown: ${String(error)}`))
      .finally(() => {
        stopped = true
        app.quit()
      })
  })

  void app
    .whenReady()
    .then(async () => {
      const atLaunch = pendingDeepLink
      pendingDeepLink = null
      const started = await startServices({
        adapter,
        allowedOrigins,
        isQuitting: () => quitting,
        pendingDeepLink: atLaunch,
      })
      services = started
      // A link that came in while the services were starting was only stored: hand it over now.
      const late = pendingDeepLink
      pendingDeepLink = null
      if (late !== null) started.deliverDeepLink(late)
    })
    .catch((error: unknown) => {
      options.log(
        `startup failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      )
      app.exit(1)
    })
}
