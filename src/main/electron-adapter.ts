import type { DetectorChild } from './detector/detector-process.js'
/**
 * The narrow slice of Electron that main uses. Real Electron objects satisfy these shapes
 * (see electron-bindings.ts); unit tests pass fakes, so every policy runs under plain Node.
 */

export interface Listener {
  preventDefault(): void
}

export interface IpcSenderFrame {
  url: string
}
export interface IpcInvokeEvent {
  senderFrame: IpcSenderFrame | null
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
}

export interface PermissionRequestDetails {
  requestingUrl?: string
  mediaTypes?: ('video' | 'audio')[]
  isMainFrame?: boolean
}
export interface PermissionCheckDetails {
  requestingUrl?: string
  mediaType?: 'video' | 'audio' | 'unknown'
  isMainFrame?: boolean
}
export type PermissionRequestHandler = (
  webContents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: PermissionRequestDetails,
) => void
export type PermissionCheckHandler = (
  webContents: unknown,
  permission: string,
  requestingOrigin: string,
  details: PermissionCheckDetails,
) => boolean

export interface ProtocolLike {
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void
}

export type BeforeRequestListener = (
  details: { url: string },
  callback: (response: { cancel?: boolean }) => void,
) => void
export type ResponseHeaders = Record<string, string[]>
export type HeadersReceivedListener = (
  details: { url: string; responseHeaders?: ResponseHeaders },
  callback: (response: { responseHeaders?: ResponseHeaders }) => void,
) => void
export interface WebRequestLike {
  onBeforeRequest(listener: BeforeRequestListener | null): void
  onHeadersReceived(listener: HeadersReceivedListener | null): void
}

/** One desktopCapturer source (screen or window). */
export interface DesktopSourceLike {
  id: string
  name: string
  thumbnail: { isEmpty(): boolean; toJPEG(quality: number): Uint8Array }
}
export type GetDesktopSources = (options: {
  types: ('screen' | 'window')[]
  thumbnailSize: { width: number; height: number }
  fetchWindowIcons: boolean
}) => Promise<DesktopSourceLike[]>
export interface DisplayMediaRequestLike {
  frame: { url: string } | null
  securityOrigin?: string
  videoRequested: boolean
}
/** Grants a source, or refuses with null (the page's getDisplayMedia then rejects). */
export type DisplayMediaCallback = (streams: { video: DesktopSourceLike } | null) => void
export type DisplayMediaRequestHandler = (
  request: DisplayMediaRequestLike,
  callback: DisplayMediaCallback,
) => void

export interface SessionLike {
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void
  setDisplayMediaRequestHandler(handler: DisplayMediaRequestHandler | null): void
  protocol: ProtocolLike
  webRequest: WebRequestLike
}

export interface WindowOpenDetails {
  url: string
}
export interface WebContentsLike {
  id: number
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: Listener, url: string) => void,
  ): void
  on(event: 'will-attach-webview', listener: (event: Listener) => void): void
  on(
    event: 'render-process-gone',
    listener: (event: unknown, details: { reason: string; exitCode: number }) => void,
  ): void
  on(
    event: 'preload-error',
    listener: (event: unknown, preloadPath: string, error: Error) => void,
  ): void
  setWindowOpenHandler(handler: (details: WindowOpenDetails) => { action: 'deny' }): void
  send(channel: string, payload: unknown): void
  reload(): void
  isDestroyed(): boolean
}

export interface BrowserWindowLike {
  webContents: WebContentsLike
  /** Hides the window's content from screen capture (Windows and macOS). */
  setContentProtection(enable: boolean): void
  loadURL(url: string): Promise<void>
  show(): void
  hide(): void
  focus(): void
  restore(): void
  isMinimized(): boolean
  isFocused(): boolean
  isDestroyed(): boolean
  flashFrame(flag: boolean): void
  on(event: 'close', listener: (event: Listener) => void): void
  on(event: 'closed' | 'ready-to-show' | 'focus', listener: () => void): void
  once(event: 'ready-to-show', listener: () => void): void
  destroy(): void
}

/** Exactly what createMainWindow hands to `new BrowserWindow(...)`. */
export interface WindowOptions {
  width: number
  height: number
  minWidth: number
  minHeight: number
  show: boolean
  title: string
  backgroundColor: string
  icon?: string
  webPreferences: Readonly<Record<string, unknown>>
}

export interface TrayMenuItem {
  id: string
  label: string
  type?: 'normal' | 'checkbox' | 'separator'
  checked?: boolean
  enabled?: boolean
  click?: () => void
}
export interface TrayLike {
  setImage(iconPath: string): void
  setToolTip(text: string): void
  setMenu(items: TrayMenuItem[]): void
  onClick(listener: () => void): void
  destroy(): void
}

export interface NotificationOptions {
  title: string
  body: string
  silent: boolean
  urgency?: 'normal' | 'critical' | 'low'
  actions: { type: 'button'; text: string }[]
  closeButtonText?: string
  timeoutType?: 'default' | 'never'
}
export interface NotificationLike {
  show(): void
  close(): void
  on(event: 'action', listener: (event: unknown, index: number) => void): void
  on(event: 'click' | 'close', listener: () => void): void
}

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  /** Linux only: which backend encrypts ('basic_text' is a fixed key, no keyring). */
  getSelectedStorageBackend?(): string
  encryptString(plain: string): Buffer
  decryptString(encrypted: Buffer): string
}

export interface AppLike {
  isPackaged: boolean
  getVersion(): string
  /** The OS/UI locale (after ready), e.g. 'zh-CN' or 'en-US'. */
  getLocale(): string
  getPath(name: 'userData'): string
  getAppPath(): string
  enableSandbox(): void
  requestSingleInstanceLock(): boolean
  whenReady(): Promise<void>
  quit(): void
  exit(code: number): void
  focus(options?: { steal: boolean }): void
  setAsDefaultProtocolClient(scheme: string): boolean
  setLoginItemSettings(settings: { openAtLogin: boolean }): void
  on(event: 'second-instance', listener: (event: unknown, argv: string[]) => void): void
  on(event: 'open-url', listener: (event: Listener, url: string) => void): void
  on(
    event: 'web-contents-created',
    listener: (event: unknown, contents: WebContentsLike) => void,
  ): void
  on(event: 'before-quit' | 'will-quit', listener: (event: Listener) => void): void
  on(event: 'window-all-closed' | 'activate', listener: () => void): void
  dockBounce?(): void
}

/** Everything the main process touches, injected (pattern 6). */
export interface ElectronAdapter {
  platform: NodeJS.Platform
  app: AppLike
  ipcMain: IpcMainLike
  defaultSession(): SessionLike
  registerSchemesAsPrivileged(schemes: string[]): void
  createWindow(options: WindowOptions): BrowserWindowLike
  createTray(iconPath: string): TrayLike
  notificationsSupported(): boolean
  createNotification(options: NotificationOptions): NotificationLike
  safeStorage: SafeStorageLike
  openExternal(url: string): Promise<void>
  chooseFolder(window: BrowserWindowLike | null, title: string): Promise<string | null>
  /** desktopCapturer.getSources: the screens and windows a screen share may show. */
  getDesktopSources: GetDesktopSources
  /** The native save dialog for a WebM file, in the Downloads folder; null when cancelled. */
  chooseSavePath(
    window: BrowserWindowLike | null,
    options: { title: string; defaultName: string; filterName: string },
  ): Promise<string | null>
  /** Starts the detector entry in its own utility process (a crash there leaves the app alone). */
  spawnDetector(entry: string): DetectorChild
}
