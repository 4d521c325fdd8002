import type { BrowserWindowLike, ElectronAdapter } from '../electron-adapter.js'
import { webPreferencesFor } from '../security/web-preferences.js'

export interface MainWindowDeps {
  adapter: Pick<ElectronAdapter, 'createWindow'>
  isPackaged: boolean
  preloadPath: string
  /** app://veracall/index.html, or the Vite dev server in development. */
  url: string
  iconPath?: string
  /** When true (the setting), closing hides to the tray instead of quitting. */
  closeToTray(): boolean
  isQuitting(): boolean
  log(message: string): void
}

/**
 * The one window of the app, with exactly the hardened preferences (E1, E15). A crashed
 * renderer or a failing preload is logged and reloaded (E20), with a cap so a crash loop stops.
 */
export const MAX_RELOADS = 3

export function createMainWindow(deps: MainWindowDeps): BrowserWindowLike {
  const window = deps.adapter.createWindow({
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 520,
    show: false,
    title: 'Veracall',
    backgroundColor: '#101418',
    ...(deps.iconPath === undefined ? {} : { icon: deps.iconPath }),
    webPreferences: webPreferencesFor({
      preloadPath: deps.preloadPath,
      isPackaged: deps.isPackaged,
    }),
  })
  window.once('ready-to-show', () => window.show())

  let reloads = 0
  const recover = (): void => {
    if (window.isDestroyed()) return
    if (reloads >= MAX_RELOADS) {
      deps.log('renderer keeps failing: not reloading again')
      return
    }
    reloads += 1
    window.webContents.reload()
  }
  window.webContents.on('render-process-gone', (_event, details) => {
    deps.log(`renderer gone: ${details.reason} (exit ${details.exitCode})`)
    if (details.reason !== 'clean-exit') recover()
  })
  window.webContents.on('preload-error', (_event, preloadPath, error) => {
    deps.log(`preload ${preloadPath} failed: ${error.message}`)
    recover()
  })
  window.on('close', (event) => {
    if (deps.isQuitting() || !deps.closeToTray()) return
    event.preventDefault()
    window.hide()
  })
  void window.loadURL(deps.url).catch((error: unknown) => deps.log(`load failed: ${String(error)}`))
  return window
}

/** Brings the window to the front (second launch, tray click, notification click). */
export function revealWindow(window: BrowserWindowLike | null): void {
  if (window === null || window.isDestroyed()) return
  if (window.isMinimized()) window.restore()
  window.show()
  window.focus()
}
