import path from 'node:path'
import { buildCsp } from 'veracall-signaling/protocol'
import type { BrowserWindowLike } from './electron-adapter.js'
import type { EventChannel, EventPayload, Settings } from '../shared/ipc-contract.js'
import type { StartServices } from './lifecycle.js'
import type { CreateSignalingServer } from './embedded-server.js'
import { createEmbeddedServer } from './embedded-server.js'
import type { DetectorModule } from './detector-bridge.js'
import { createDetectorBridge, loadDetectorModule } from './detector-bridge.js'
import { createIpcHandlers } from './ipc/handlers.js'
import { registerIpc } from './ipc/register.js'
import { createNotifier } from './notifications/notifier.js'
import { createAppProtocolHandler } from './security/app-protocol.js'
import { installBlockedSchemes } from './security/blocked-schemes.js'
import { installDevCsp } from './security/dev-csp.js'
import { openExternalIfSafe } from './security/navigation.js'
import { installPermissionHandlers } from './security/permissions.js'
import { saveRecording } from './recording-save.js'
import { installRequestFilter } from './security/request-filter.js'
import { createMainTranslator, mainLanguage } from './settings/language.js'
import { createSettingsStore } from './settings/store.js'
import { createScreenPicker, installDisplayMediaHandler } from './screen-share/screen-picker.js'
import { createTrayController } from './tray/tray.js'
import type { TrayIcon } from './tray/tray-state.js'
import { createMainWindow, revealWindow } from './windows/main-window.js'

export interface ServicePaths {
  preload: string
  rendererDir: string
  iconsDir: string
  modelsDir: string
  /** The detector worker bundle, when the build has one. */
  detectorWorker: string | null
  devServerUrl: string | undefined
}

/** Everything that needs `ready`: session policy, settings, server, tray, IPC, the window. */
export function servicesStarter(deps: {
  paths: ServicePaths
  loadSignaling: () => Promise<CreateSignalingServer>
  lanAddresses: () => string[]
  /** The detector module (tests pass a fake host); defaults to the bundled one. */
  loadDetector?: () => Promise<DetectorModule | null>
  log(message: string): void
}): StartServices {
  const { paths, log } = deps
  return async ({ adapter, allowedOrigins, isQuitting, pendingDeepLink }) => {
    const { app } = adapter
    const session = adapter.defaultSession()
    installPermissionHandlers(session, allowedOrigins)
    installBlockedSchemes(session, log)
    installRequestFilter(session, log)
    if (paths.devServerUrl !== undefined) installDevCsp(session, paths.devServerUrl)
    const screenPicker = createScreenPicker({
      getSources: (options) => adapter.getDesktopSources(options),
      appOrigins: allowedOrigins,
      log,
    })
    installDisplayMediaHandler(session, screenPicker)
    const csp = buildCsp({ target: 'desktop', dev: false })
    session.protocol.handle(
      'app',
      createAppProtocolHandler({ root: paths.rendererDir, csp: () => csp }),
    )

    const userData = app.getPath('userData')
    const settings = await createSettingsStore(userData, log)
    // Main speaks the language chosen in the app (the OS's for 'system'), switching live.
    const languageOf = (s: { language: Settings['language'] }) =>
      mainLanguage(s.language, app.getLocale())
    const translator = createMainTranslator(languageOf(settings.get()))
    const t = translator.t
    let window: BrowserWindowLike | null = null
    const send = <C extends EventChannel>(channel: C, payload: EventPayload<C>): void => {
      if (window !== null && !window.isDestroyed()) window.webContents.send(channel, payload)
    }

    const server = createEmbeddedServer({
      create: deps.loadSignaling,
      userDataDir: userData,
      safeStorage: adapter.safeStorage,
      webRoot: paths.rendererDir,
      appOrigins: allowedOrigins,
      lanAddresses: deps.lanAddresses,
      log,
    })
    const icon = (state: TrayIcon): string => path.join(paths.iconsDir, `tray-${state}.png`)
    const tray = createTrayController({
      createTray: (iconPath) => adapter.createTray(iconPath),
      iconPath: icon,
      t,
      initial: {
        serverOnline: false,
        inCall: false,
        securityAlert: false,
        doNotDisturb: settings.get().doNotDisturb,
        networkSharing: settings.get().networkSharing,
        lanUrls: [],
        missedCalls: 0,
      },
      onAction: (action) => {
        const current = settings.get()
        if (action === 'open') {
          revealWindow(window)
          notifier.clearMissed()
        } else if (action === 'toggle-dnd')
          void settings.update({ doNotDisturb: !current.doNotDisturb })
        else if (action === 'toggle-sharing')
          void settings.update({ networkSharing: !current.networkSharing })
        else app.quit()
      },
    })
    const notifier = createNotifier({
      notificationsSupported: () => adapter.notificationsSupported(),
      createNotification: (options) => adapter.createNotification(options),
      requestAttention: (on) => {
        if (adapter.platform === 'darwin') {
          if (on) app.dockBounce?.()
        } else if (window !== null && !window.isDestroyed()) window.flashFrame(on)
      },
      windowFocused: () => window !== null && !window.isDestroyed() && window.isFocused(),
      doNotDisturb: () => settings.get().doNotDisturb,
      inCall: () => tray.state().inCall,
      t,
      onAction: (action) => {
        if (action.action !== 'decline') revealWindow(window)
        send('event:callAction', action)
      },
      onMissedChanged: (missedCalls) => tray.update({ missedCalls }),
      onToastClick: () => revealWindow(window),
    })
    let token: string | null = null

    const applyServer = async (sharing: boolean): Promise<void> => {
      const info = await server.start(sharing)
      tray.update({ serverOnline: info.running, networkSharing: sharing, lanUrls: info.lanUrls })
      send('event:serverInfo', info)
    }
    await applyServer(settings.get().networkSharing)

    const detector = createDetectorBridge({
      load: deps.loadDetector ?? loadDetectorModule,
      enabled: () => settings.get().detectionEnabled,
      options: () => ({
        modelDir: settings.get().customModelFolder ?? paths.modelsDir,
        analysisRate: settings.get().analysisRate,
        log,
        ...(paths.detectorWorker === null
          ? {}
          : { spawn: () => adapter.spawnDetector(paths.detectorWorker ?? '') }),
      }),
      onRisk: (update) => {
        tray.update({ securityAlert: update.level === 'high' })
        send('event:risk', update)
      },
      log,
    })

    settings.onChange((next, previous) => {
      send('event:settingsChanged', next)
      // The tray is redrawn by update(), in the new language when it changed.
      translator.setLanguage(languageOf(next))
      tray.update({ doNotDisturb: next.doNotDisturb })
      if (
        next.hideFromScreenCapture !== previous.hideFromScreenCapture &&
        window !== null &&
        !window.isDestroyed()
      )
        window.setContentProtection(next.hideFromScreenCapture)
      if (next.startAtLogin !== previous.startAtLogin)
        app.setLoginItemSettings({ openAtLogin: next.startAtLogin })
      if (next.networkSharing !== previous.networkSharing) void applyServer(next.networkSharing)
      // Calls in progress keep their detection: a new rate applies in place; on/off or another
      // model restarts the host with those calls re-opened on it.
      const restart =
        next.detectionEnabled !== previous.detectionEnabled ||
        next.customModelFolder !== previous.customModelFolder
      if (restart) void detector.restart()
      else if (next.analysisRate !== previous.analysisRate)
        void detector.setAnalysisRate(next.analysisRate)
    })

    const policy = { allowedOrigins, openExternal: (url: string) => adapter.openExternal(url), log }
    registerIpc({
      ipcMain: adapter.ipcMain,
      allowedOrigins,
      log,
      handlers: createIpcHandlers({
        appInfo: () => ({
          version: app.getVersion(),
          platform: adapter.platform,
          isPackaged: app.isPackaged,
        }),
        settings,
        server,
        notifier,
        detector: () => detector.get(),
        openExternal: (url) => openExternalIfSafe(policy, url),
        chooseFolder: () => adapter.chooseFolder(window, t('native.dialogs.chooseModelFolder')),
        saveRecording: (file) =>
          saveRecording(
            {
              chooseSavePath: (defaultName) =>
                adapter.chooseSavePath(window, {
                  title: t('native.dialogs.saveRecording'),
                  defaultName,
                  filterName: t('native.dialogs.recordingFilter'),
                }),
            },
            file,
          ),
        setInCall: (inCall) => tray.update(inCall ? { inCall } : { inCall, securityAlert: false }),
        notify: (toast) => notifier.toast(toast),
        screenPicker,
        token: {
          get: () => token,
          set: (next) => {
            token = next
          },
        },
      }),
    })

    window = createMainWindow({
      adapter,
      isPackaged: app.isPackaged,
      preloadPath: paths.preload,
      url: paths.devServerUrl ?? 'app://veracall/index.html',
      iconPath: path.join(paths.iconsDir, 'icon.png'),
      closeToTray: () => settings.get().closeToTray,
      isQuitting,
      log,
    })
    // Opt-in (as in Signal and Element): calls happen in this window, so it is the one hidden.
    window.setContentProtection(settings.get().hideFromScreenCapture)
    // Until the page is up a link is held (the latest one), or the renderer would never see it.
    let pending = pendingDeepLink
    let shown = false
    window.once('ready-to-show', () => {
      shown = true
      if (pending !== null) send('event:deepLink', pending)
      pending = null
    })

    return {
      window: () => window,
      deliverDeepLink: (link) => {
        if (shown) send('event:deepLink', link)
        else pending = link
      },
      async stop() {
        tray.destroy()
        await Promise.allSettled([server.stop(), detector.stop()])
      },
    }
  }
}
