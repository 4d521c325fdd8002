import type { User } from 'veracall-signaling/protocol'
import type { CallAction, DeepLink, VeracallApi } from '../../../shared/ipc-contract.js'
import type { AppStore } from '../store/index.js'
import type { CallPhase } from '../store/slices/call.js'
import { normaliseServerUrl } from '../signaling/api-client.js'

/** What the bridge may ask of the session; handed in, so the bridge never reaches back into it. */
export interface SessionActions {
  signOut(): Promise<void>
  /** Users matching `query`: [] when the search failed, null when signed out. */
  searchUsers(query: string): Promise<User[] | null>
  /** Remembers the chosen server for the next launch. */
  rememberServer(url: string): void
}

/** The call actions main's notification can take. */
export interface CallActions {
  accept(): Promise<void>
  decline(): Promise<void>
}

/**
 * The desktop app's side door into the renderer: Accept/Decline on main's notification, deep
 * links (`veracall://call/<user>`, `veracall://server?url=`) and the server switch they lead to.
 * Nothing a link points at happens without the person's click.
 */
export class DesktopBridge {
  /** A call link that arrived before sign-in, offered once signed in. */
  private pendingCallLink: string | null = null

  constructor(
    private readonly deps: { store: AppStore; session: SessionActions; call: CallActions },
  ) {}

  /** Subscribes to main's events and keeps main told about the call state. */
  connect(api: VeracallApi): void {
    syncCallStateToMain(this.deps.store, api)
    api.onCallAction((action) => void this.onCallAction(action))
    api.onDeepLink((link) => void this.onDeepLink(link))
  }

  /** Signed in: a call link that arrived before is offered now. */
  signedIn(): void {
    const link = this.pendingCallLink
    this.pendingCallLink = null
    if (link !== null) void this.offerCallTo(link)
  }

  /** Accept/Decline pressed on main's notification: applied only to the call still ringing. */
  async onCallAction(action: CallAction): Promise<void> {
    const { call, phase } = this.deps.store.getState()
    if (phase !== 'incoming' || call?.id !== action.callId) return
    if (action.action === 'accept') await this.deps.call.accept()
    else if (action.action === 'decline') await this.deps.call.decline()
  }

  /** A `veracall://` link: turned into a question for the person, never acted on directly. */
  async onDeepLink(link: DeepLink): Promise<void> {
    const store = this.deps.store
    if (link.kind === 'server') {
      let url: string
      try {
        url = normaliseServerUrl(link.url)
      } catch {
        return
      }
      store.getState().setLinkPrompt({ kind: 'server', url })
      return
    }
    if (store.getState().authStatus !== 'signed_in') {
      this.pendingCallLink = link.username
      return
    }
    await this.offerCallTo(link.username)
  }

  /** The person confirmed a server link: sign out of the current server and show the new one. */
  async switchServer(url: string): Promise<void> {
    const store = this.deps.store
    store.getState().setLinkPrompt(null)
    if (store.getState().authStatus === 'signed_in') await this.deps.session.signOut()
    store.getState().setServerUrl(url)
    this.deps.session.rememberServer(url)
  }

  dismissLinkPrompt(): void {
    this.deps.store.getState().setLinkPrompt(null)
  }

  private async offerCallTo(username: string): Promise<void> {
    const users = await this.deps.session.searchUsers(username)
    if (users === null) return
    const wanted = username.toLowerCase()
    const user = users.find((u) => u.username.toLowerCase() === wanted)
    const self = this.deps.store.getState().user?.id
    this.deps.store
      .getState()
      .setLinkPrompt(
        user && user.id !== self ? { kind: 'call', user } : { kind: 'userNotFound', username },
      )
  }
}

/** Phases in which the person is on a call: main treats a new call as busy, the tray says so. */
const BUSY: ReadonlySet<CallPhase> = new Set(['outgoing', 'connecting', 'active'])

/**
 * Keeps main told about the call state, from the store alone so every path (accept, decline,
 * hang-up, missed, failure) is covered: when an incoming call stops ringing (`call:ringEnded`,
 * which withdraws the notification) and when the person is or is no longer on a call
 * (`call:setActive`: busy policy, "in a call" tray icon). Returns the unsubscribe function.
 */
export function syncCallStateToMain(store: AppStore, api: VeracallApi): () => void {
  const report = (what: string, result: Promise<{ ok: boolean }>): void => {
    void result.then(
      (r) => !r.ok && console.warn(`${what} refused`),
      (err: unknown) => console.warn(`${what} failed`, err),
    )
  }
  let ringingId: number | null = null
  let active = BUSY.has(store.getState().phase)
  // A reloaded renderer starts idle: main may still think a call is on.
  report('call:setActive', api.callSetActive(active))
  const apply = (phase: CallPhase, callId: number | null): void => {
    const nowRinging = phase === 'incoming' ? callId : null
    if (ringingId !== null && ringingId !== nowRinging)
      report('call:ringEnded', api.callRingEnded(ringingId))
    ringingId = nowRinging
    const nowActive = BUSY.has(phase)
    if (nowActive !== active) report('call:setActive', api.callSetActive(nowActive))
    active = nowActive
  }
  apply(store.getState().phase, store.getState().call?.id ?? null)
  return store.subscribe((s) => apply(s.phase, s.call?.id ?? null))
}
