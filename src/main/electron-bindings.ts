import {
  BrowserWindow,
  Menu,
  Notification,
  Tray,
  app,
  desktopCapturer,
  dialog,
  ipcMain,
  protocol,
  safeStorage,
  session,
  shell,
  utilityProcess,
} from 'electron'
import { join } from 'node:path'
import { procRss } from './detector/detector-process.js'
import type { AppLike, ElectronAdapter, TrayLike } from './electron-adapter.js'

/**
 * The real adapter: the only module besides index.ts that imports Electron. Each member is a
 * direct pass-through so that the policies tested against fakes are the ones that run.
 */
export function createElectronAdapter(): ElectronAdapter {
  const appLike: AppLike = Object.assign(app, {
    dockBounce: () => void app.dock?.bounce('critical'),
  })
  return {
    platform: process.platform,
    app: appLike,
    ipcMain,
    defaultSession: () => session.defaultSession,
    registerSchemesAsPrivileged: (schemes) =>
      protocol.registerSchemesAsPrivileged(
        schemes.map((scheme) => ({
          scheme,
          privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
        })),
      ),
    createWindow: (options) => new BrowserWindow(options),
    createTray: (iconPath) => wrapTray(new Tray(iconPath)),
    notificationsSupported: () => Notification.isSupported(),
    createNotification: (options) => new Notification(options),
    safeStorage,
    openExternal: (url) => shell.openExternal(url),
    chooseFolder: async (window, title) => {
      const options = { title, properties: ['openDirectory' as const] }
      const result =
        window === null
          ? await dialog.showOpenDialog(options)
          : await dialog.showOpenDialog(window as unknown as BrowserWindow, options)
      return result.canceled ? null : (result.filePaths[0] ?? null)
    },
    getDesktopSources: (options) => desktopCapturer.getSources(options),
    chooseSavePath: async (window, { title, defaultName, filterName }) => {
      const options = {
        title,
        defaultPath: join(app.getPath('downloads'), defaultName),
        filters: [{ name: filterName, extensions: ['webm'] }],
      }
      const result =
        window === null
          ? await dialog.showSaveDialog(options)
          : await dialog.showSaveDialog(window as unknown as BrowserWindow, options)
      return result.canceled ? null : (result.filePath ?? null)
    },
    spawnDetector: (entry) => {
      const child = utilityProcess.fork(entry, [], { serviceName: 'Veracall detector' })
      let exited = false
      return {
        send: (envelope) => {
          if (!exited) child.postMessage(envelope)
        },
        onMessage: (listener) => child.on('message', listener),
        onExit: (listener) => {
          child.once('exit', (code) => {
            exited = true
            listener(`exit code ${code}`)
          })
        },
        kill: () => {
          if (!exited) child.kill()
        },
        // Linux reads /proc; elsewhere the app's metrics know the utility process's memory.
        rssBytes: () =>
          procRss(child.pid) ??
          (app.getAppMetrics().find((m) => m.pid === child.pid)?.memory.workingSetSize ?? 0) * 1024,
      }
    },
  }
}

function wrapTray(tray: Tray): TrayLike {
  return {
    setImage: (iconPath) => tray.setImage(iconPath),
    setToolTip: (text) => tray.setToolTip(text),
    setMenu: (items) =>
      tray.setContextMenu(
        Menu.buildFromTemplate(
          items.map((item) =>
            item.type === 'separator'
              ? { type: 'separator' as const }
              : {
                  id: item.id,
                  label: item.label,
                  type: item.type ?? 'normal',
                  enabled: item.enabled ?? true,
                  ...(item.checked === undefined ? {} : { checked: item.checked }),
                  ...(item.click === undefined ? {} : { click: item.click }),
                },
          ),
        ),
      ),
    onClick: (listener) => void tray.on('click', listener),
    destroy: () => tray.destroy(),
  }
}
