import { CloseCode, ROUTES, type User } from 'veracall-signaling/protocol'
import { desktopApi, type Platform } from '../platform/platform.js'
import type { AppStore } from '../store/index.js'
import { HISTORY_PAGE_SIZE } from '../store/slices/history.js'
import { ApiClient, ApiError, normaliseServerUrl } from '../signaling/api-client.js'
import { toAppError } from '../signaling/api-error.js'
import { WsClient, socketUrl, type SocketFactory } from '../signaling/ws-client.js'
import { CallController } from '../call/call-controller.js'
import { DeviceController } from '../call/devices.js'
import { canChooseSpeaker } from '../call/media.js'
import { usernameProblem } from './username-rule.js'
import { DEFAULT_PREFS, type Prefs } from './prefs.js'
import { DesktopBridge } from './desktop-bridge.js'
import { isSearchable } from './search-query.js'

export interface ControllerDeps {
  store: AppStore
  platform: Platform
  /** Plain-text strings for notifications (the UI itself renders through react-i18next). */
  t: (key: string, vars?: Record<string, string>) => string
  /** The prefs the platform loaded before the first render (defaults when absent). */
  prefs?: Prefs
  createSocket?: SocketFactory
  /** Starts the incoming-call ringtone and returns its stop function (WebAudio by default). */
  ringtone?: () => () => void
}

/**
 * The app's actions, outside React (zustand "no store actions" practice): the session (sign-in,
 * the events socket), contacts, history and preferences here; the call, the devices and the
 * desktop app's links in the controllers this composes, each wired one way through callbacks.
 */
export class AppController {
  readonly call: CallController
  readonly devices: DeviceController
  /** Notification actions, deep links and the server switch (inert in the web build). */
  readonly links: DesktopBridge
  private readonly store: AppStore
  private readonly platform: Platform
  private api: ApiClient | null = null
  private token: string | null = null
  private events: WsClient | null = null
  private searchSeq = 0
  private prefs: Prefs
  private turnCredential = ''

  constructor(private readonly deps: ControllerDeps) {
    this.store = deps.store
    this.platform = deps.platform
    this.prefs = { ...(deps.prefs ?? DEFAULT_PREFS) }
    this.call = new CallController({
      store: deps.store,
      platform: deps.platform,
      t: deps.t,
      api: () => this.api,
      token: () => this.token,
      turnCredential: () => this.turnCredential,
      createSocket: deps.createSocket,
      ringtone: deps.ringtone,
      onMediaOpened: () => void this.devices.refresh(),
      onCallFinished: () => void this.loadHistory(1),
    })
    this.devices = new DeviceController({ store: deps.store, session: () => this.call.session })
    this.links = new DesktopBridge({
      store: deps.store,
      call: this.call,
      session: {
        signOut: () => this.signOut(),
        searchUsers: (query) =>
          this.api?.searchUsers(query).catch(() => []) ?? Promise.resolve(null),
        rememberServer: (serverUrl) => this.updatePrefs({ serverUrl }),
      },
    })
  }

  async init(): Promise<void> {
    // Subscribed first: main sends a pending deep link as soon as the window is shown.
    const desktop = desktopApi(this.platform)
    if (desktop) this.links.connect(desktop)
    const s = this.store.getState()
    s.setLanguage(this.prefs.language)
    s.setTheme(this.prefs.theme)
    s.setIce(this.prefs.stunUrls, null)
    let fallback = ''
    try {
      fallback = await this.platform.defaultServerUrl()
    } catch (err) {
      // The embedded server may have failed to start: the person can still type a URL.
      console.warn('no default server', err)
    }
    s.setServerUrl(this.prefs.serverUrl ?? fallback)
    s.setCanChooseSpeaker(canChooseSpeaker())
    this.devices.watch()
    // Desktop: main may still hold a token from this run.
    const token = await this.platform.tokens.get()
    if (token) {
      this.token = token
      this.api = this.makeApi(this.store.getState().serverUrl)
      try {
        const user = await this.api.me()
        this.afterSignIn(user, this.api.baseUrl)
      } catch {
        await this.platform.tokens.set(null)
        this.token = null
      }
    }
  }

  get lastUsername(): string {
    return this.prefs.lastUsername
  }

  // ---- session -----------------------------------------------------------------------------

  async signIn(input: {
    mode: 'login' | 'register'
    serverUrl: string
    username: string
    password: string
    displayName?: string
  }): Promise<void> {
    const s = this.store.getState()
    s.authStarted()
    try {
      const problem = input.mode === 'register' ? usernameProblem(input.username) : null
      if (problem) throw new ApiError(problem, 'This username is not allowed')
      const base = normaliseServerUrl(input.serverUrl)
      const api = this.makeApi(base)
      await api.probe()
      const res =
        input.mode === 'register'
          ? await api.register({
              username: input.username,
              password: input.password,
              ...(input.displayName ? { display_name: input.displayName } : {}),
            })
          : await api.login(input.username, input.password)
      this.token = res.token
      await this.platform.tokens.set(res.token)
      this.api = api
      this.updatePrefs({ serverUrl: base, lastUsername: res.user.username })
      this.afterSignIn(res.user, base)
    } catch (err) {
      s.authFailed(toAppError(err))
    }
  }

  async signOut(): Promise<void> {
    await this.call.hangUp()
    this.events?.close()
    this.events = null
    this.token = null
    this.api = null
    await this.platform.tokens.set(null)
    this.store.getState().signedOut()
  }

  private afterSignIn(user: User, base: string): void {
    this.store.getState().signedIn(user, base)
    this.openEvents(base)
    void this.loadHistory(1)
    this.links.signedIn()
  }

  /** The events socket: calls ringing here and changes to the current call go to the call. */
  private openEvents(base: string): void {
    this.events?.close()
    const events = new WsClient({
      url: socketUrl(base, ROUTES.eventsSocket),
      getToken: () => this.token,
      createSocket: this.deps.createSocket,
    })
    events.on('state', (state) => {
      this.store.getState().setEventsState(state)
      // A call that started ringing while this socket was down would otherwise be missed.
      if (state === 'open') void this.call.catchUpRinging()
    })
    events.on('message', (m) => void this.call.onEvent(m))
    events.on('fatal', (code) => {
      if (code === CloseCode.unauthorized) void this.signOut()
    })
    events.connect()
    this.events = events
  }

  // ---- contacts and history ----------------------------------------------------------------

  async search(query: string): Promise<void> {
    const s = this.store.getState()
    s.setQuery(query)
    if (!this.api) return
    const seq = ++this.searchSeq
    s.searchStarted()
    // Too short to search (the server would refuse it): no request, nobody listed.
    if (!isSearchable(query)) return s.searchDone(query, [])
    try {
      const users = await this.api.searchUsers(query.trim())
      if (seq !== this.searchSeq) return
      const self = s.user?.id
      this.store.getState().searchDone(
        query,
        users.filter((u) => u.id !== self),
      )
    } catch (err) {
      this.store.getState().searchFailed(toAppError(err))
    }
  }

  async loadHistory(page: number): Promise<void> {
    if (!this.api) return
    const s = this.store.getState()
    s.historyStarted(page)
    try {
      const res = await this.api.history(page, HISTORY_PAGE_SIZE)
      this.store.getState().historyLoaded(res.page, res.calls, res.total, res.stats)
    } catch (err) {
      this.store.getState().historyFailed(toAppError(err))
    }
  }

  // ---- settings ----------------------------------------------------------------------------

  setLanguage(language: Prefs['language']): void {
    this.store.getState().setLanguage(language)
    this.updatePrefs({ language })
  }

  setTheme(theme: Prefs['theme']): void {
    this.store.getState().setTheme(theme)
    this.updatePrefs({ theme })
  }

  /** STUN list (null = defaults) and TURN; the TURN credential stays in memory only. */
  setIce(
    stunUrls: string[] | null,
    turn: { urls: string[]; username: string; credential: string } | null,
  ): void {
    this.turnCredential = turn?.credential ?? ''
    this.store.getState().setIce(stunUrls, turn)
    this.updatePrefs({ stunUrls, turnUrls: turn?.urls ?? [], turnUsername: turn?.username ?? '' })
  }

  get turnSettings(): { urls: string[]; username: string; hasCredential: boolean } {
    return {
      urls: this.prefs.turnUrls,
      username: this.prefs.turnUsername,
      hasCredential: this.turnCredential.length > 0,
    }
  }

  // ---- internals ---------------------------------------------------------------------------

  private makeApi(base: string): ApiClient {
    return new ApiClient({ baseUrl: base, getToken: () => this.token })
  }

  private updatePrefs(patch: Partial<Prefs>): void {
    this.prefs = { ...this.prefs, ...patch }
    void this.platform.prefs.save(patch)
  }
}
