import type { DetectorChild } from '../../src/main/detector/detector-process.js'
import { forkDetector } from '../../src/main/detector/detector-process.js'
/** Fakes of the Electron adapter: they record what main asked for, so tests can assert it. */
import type {
  AppLike,
  BeforeRequestListener,
  BrowserWindowLike,
  DesktopSourceLike,
  DisplayMediaRequestHandler,
  HeadersReceivedListener,
  ElectronAdapter,
  IpcInvokeEvent,
  IpcMainLike,
  Listener,
  NotificationLike,
  NotificationOptions,
  PermissionCheckHandler,
  PermissionRequestHandler,
  ProtocolLike,
  ResponseHeaders,
  SafeStorageLike,
  SessionLike,
  TrayLike,
  TrayMenuItem,
  WebContentsLike,
  WebRequestLike,
  WindowOptions,
} from '../../src/main/electron-adapter.js'

type AnyListener = (...args: never[]) => unknown

export class Emitter {
  readonly listeners = new Map<string, AnyListener[]>()
  on(event: string, listener: AnyListener): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
  }
  once(event: string, listener: AnyListener): void {
    this.on(event, listener)
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      ;(listener as (...a: unknown[]) => unknown)(...args)
    }
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0
  }
}

export function fakeEvent(): Listener & { prevented: boolean } {
  const event = {
    prevented: false,
    preventDefault() {
      event.prevented = true
    },
  }
  return event
}

let nextId = 1
export class FakeWebContents extends Emitter implements WebContentsLike {
  id = nextId++
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null
  sent: { channel: string; payload: unknown }[] = []
  reloads = 0
  destroyed = false
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload })
  }
  reload(): void {
    this.reloads += 1
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
}

export class FakeWindow extends Emitter implements BrowserWindowLike {
  webContents = new FakeWebContents()
  loaded: string[] = []
  visible = false
  focused = false
  minimized = false
  destroyed = false
  flashing: boolean[] = []
  contentProtection: boolean[] = []
  constructor(readonly options: WindowOptions) {
    super()
  }
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url)
  }
  show(): void {
    this.visible = true
  }
  hide(): void {
    this.visible = false
  }
  focus(): void {
    this.focused = true
  }
  restore(): void {
    this.minimized = false
  }
  isMinimized(): boolean {
    return this.minimized
  }
  isFocused(): boolean {
    return this.focused
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  flashFrame(flag: boolean): void {
    this.flashing.push(flag)
  }
  setContentProtection(enable: boolean): void {
    this.contentProtection.push(enable)
  }
  destroy(): void {
    this.destroyed = true
  }
}

export class FakeIpcMain implements IpcMainLike {
  handlers = new Map<string, (event: IpcInvokeEvent, ...args: unknown[]) => unknown>()
  handleCalls: string[] = []
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
    this.handleCalls.push(channel)
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
  /** Calls a channel the way a renderer frame at `url` would. */
  async invoke(url: string | null, channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel)
    if (handler === undefined) throw new Error(`no handler for ${channel}`)
    return handler({ senderFrame: url === null ? null : { url } }, ...args)
  }
}

export class FakeProtocol implements ProtocolLike {
  handled = new Map<string, (request: Request) => Response | Promise<Response>>()
  refuse = new Set<string>()
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    if (this.refuse.has(scheme)) throw new Error(`cannot intercept ${scheme}`)
    this.handled.set(scheme, handler)
  }
}

export class FakeWebRequest implements WebRequestLike {
  beforeRequest: BeforeRequestListener | null = null
  headersReceived: HeadersReceivedListener | null = null
  onBeforeRequest(listener: BeforeRequestListener | null): void {
    this.beforeRequest = listener
  }
  onHeadersReceived(listener: HeadersReceivedListener | null): void {
    this.headersReceived = listener
  }
  /** A response's headers after the installed listener (unchanged when it gives none). */
  headersAfter(url: string, responseHeaders: ResponseHeaders): ResponseHeaders {
    let result = responseHeaders
    this.headersReceived?.({ url, responseHeaders }, (response) => {
      result = response.responseHeaders ?? responseHeaders
    })
    return result
  }
  /** Runs a request past the installed listener: true when it may go out. */
  allows(url: string): boolean {
    let cancel = false
    this.beforeRequest?.({ url }, (response) => (cancel = response.cancel === true))
    return !cancel
  }
}

export class FakeSession implements SessionLike {
  protocol = new FakeProtocol()
  webRequest = new FakeWebRequest()
  calls: string[] = []
  requestHandler: PermissionRequestHandler | null = null
  checkHandler: PermissionCheckHandler | null = null
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.calls.push(handler === null ? 'request:null' : 'request:set')
    this.requestHandler = handler
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.calls.push(handler === null ? 'check:null' : 'check:set')
    this.checkHandler = handler
  }
  displayMediaHandler: DisplayMediaRequestHandler | null = null
  displayCalls: string[] = []
  setDisplayMediaRequestHandler(handler: DisplayMediaRequestHandler | null): void {
    this.displayCalls.push(handler === null ? 'display:null' : 'display:set')
    this.displayMediaHandler = handler
  }
}

/** A desktopCapturer source whose thumbnail is `jpegBytes` bytes of JPEG (0: empty). */
export function fakeDesktopSource(id: string, name: string, jpegBytes = 100): DesktopSourceLike {
  return {
    id,
    name,
    thumbnail: {
      isEmpty: () => jpegBytes === 0,
      toJPEG: () => Buffer.alloc(jpegBytes, 0xff),
    },
  }
}

export class FakeTray implements TrayLike {
  images: string[] = []
  tooltip = ''
  menu: TrayMenuItem[] = []
  clickListener: (() => void) | null = null
  destroyed = false
  constructor(image: string) {
    this.images.push(image)
  }
  setImage(iconPath: string): void {
    this.images.push(iconPath)
  }
  setToolTip(text: string): void {
    this.tooltip = text
  }
  setMenu(items: TrayMenuItem[]): void {
    this.menu = items
  }
  onClick(listener: () => void): void {
    this.clickListener = listener
  }
  destroy(): void {
    this.destroyed = true
  }
  clickItem(id: string): void {
    const item = this.menu.find((i) => i.id === id)
    if (item?.click === undefined) throw new Error(`no clickable item ${id}`)
    item.click()
  }
}

export class FakeNotification extends Emitter implements NotificationLike {
  shown = false
  closed = false
  constructor(readonly options: NotificationOptions) {
    super()
  }
  show(): void {
    this.shown = true
  }
  close(): void {
    this.closed = true
    this.emit('close')
  }
}

/** Reversible "encryption" that still proves the stored bytes aren't the plain secret. */
export class FakeSafeStorage implements SafeStorageLike {
  /** Linux's backends; 'basic_text' is what a machine without a keyring gets. */
  constructor(
    public available = true,
    public backend = 'gnome_libsecret',
  ) {}
  isEncryptionAvailable(): boolean {
    return this.available
  }
  getSelectedStorageBackend(): string {
    return this.backend
  }
  encryptString(plain: string): Buffer {
    return Buffer.from('enc:' + Buffer.from(plain).toString('hex'))
  }
  decryptString(encrypted: Buffer): string {
    const text = encrypted.toString()
    if (!text.startsWith('enc:')) throw new Error('not encrypted by us')
    return Buffer.from(text.slice(4), 'hex').toString()
  }
}

export class FakeApp extends Emitter implements AppLike {
  isPackaged = false
  calls: string[] = []
  lock = true
  readyResolve: () => void = () => undefined
  private ready = new Promise<void>((resolve) => (this.readyResolve = resolve))
  constructor(readonly userData = '/tmp/veracall-test') {
    super()
  }
  /** What app.getLocale() answers; a test sets it before the services start. */
  locale = 'en-US'
  getVersion(): string {
    return '0.1.0'
  }
  getLocale(): string {
    return this.locale
  }
  getPath(): string {
    return this.userData
  }
  getAppPath(): string {
    return '/app'
  }
  enableSandbox(): void {
    this.calls.push('enableSandbox')
  }
  requestSingleInstanceLock(): boolean {
    this.calls.push('requestSingleInstanceLock')
    return this.lock
  }
  whenReady(): Promise<void> {
    this.calls.push('whenReady')
    return this.ready
  }
  quit(): void {
    this.calls.push('quit')
    const event = fakeEvent()
    this.emit('before-quit', event)
    if (!event.prevented) this.calls.push('quit:done')
  }
  exit(code: number): void {
    this.calls.push(`exit:${code}`)
  }
  focus(): void {
    this.calls.push('focus')
  }
  setAsDefaultProtocolClient(scheme: string): boolean {
    this.calls.push(`protocolClient:${scheme}`)
    return true
  }
  setLoginItemSettings(settings: { openAtLogin: boolean }): void {
    this.calls.push(`login:${settings.openAtLogin}`)
  }
  dockBounce(): void {
    this.calls.push('dockBounce')
  }
}

export class FakeAdapter implements ElectronAdapter {
  platform: NodeJS.Platform = 'linux'
  app: FakeApp
  ipcMain = new FakeIpcMain()
  session = new FakeSession()
  safeStorage = new FakeSafeStorage()
  windows: FakeWindow[] = []
  trays: FakeTray[] = []
  notifications: FakeNotification[] = []
  privileged: string[][] = []
  opened: string[] = []
  supported = true
  folder: string | null = null
  constructor(userData?: string) {
    this.app = new FakeApp(userData)
  }
  defaultSession(): SessionLike {
    return this.session
  }
  registerSchemesAsPrivileged(schemes: string[]): void {
    this.app.calls.push('registerSchemesAsPrivileged')
    this.privileged.push(schemes)
  }
  createWindow(options: WindowOptions): FakeWindow {
    const window = new FakeWindow(options)
    this.windows.push(window)
    this.app.emit('web-contents-created', {}, window.webContents)
    return window
  }
  createTray(iconPath: string): FakeTray {
    const tray = new FakeTray(iconPath)
    this.trays.push(tray)
    return tray
  }
  notificationsSupported(): boolean {
    return this.supported
  }
  createNotification(options: NotificationOptions): FakeNotification {
    const notification = new FakeNotification(options)
    this.notifications.push(notification)
    return notification
  }
  async openExternal(url: string): Promise<void> {
    this.opened.push(url)
  }
  /** The titles of the folder dialogs asked for. */
  folderTitles: string[] = []
  async chooseFolder(_window: unknown, title: string): Promise<string | null> {
    this.folderTitles.push(title)
    return this.folder
  }
  /** What desktopCapturer lists, and the options it was asked with. */
  desktopSources: DesktopSourceLike[] = []
  desktopSourceQueries: Parameters<ElectronAdapter['getDesktopSources']>[0][] = []
  async getDesktopSources(
    options: Parameters<ElectronAdapter['getDesktopSources']>[0],
  ): Promise<DesktopSourceLike[]> {
    this.desktopSourceQueries.push(options)
    return this.desktopSources
  }
  /** What the save dialog answers (null: cancelled), and what each one was asked to show. */
  savePath: string | null = null
  saveDialogs: { title: string; defaultName: string; filterName: string }[] = []
  async chooseSavePath(
    _window: unknown,
    options: { title: string; defaultName: string; filterName: string },
  ): Promise<string | null> {
    this.saveDialogs.push(options)
    return this.savePath
  }
  /** The detector as a plain child process (utilityProcess needs Electron). */
  spawnDetector(entry: string): DetectorChild {
    return forkDetector(entry)()
  }
}
