import type { DetectionPort } from '../../../shared/detection.js'
import type { IncomingCall, VeracallApi } from '../../../shared/ipc-contract.js'
import type { Prefs } from '../controller/prefs.js'

/** A notification shown outside the page (system tray / OS notification centre). */
export interface PlatformNotification {
  title: string
  body: string
  /** Replaces an earlier notification with the same tag (one per call). */
  tag?: string
}

/**
 * Where the session token lives. Never localStorage (checklist R3): the web build keeps it in
 * memory, the desktop build hands it to the main process over IPC.
 */
export interface TokenStore {
  get(): Promise<string | null>
  set(token: string | null): Promise<void>
}

/**
 * Where the person's preferences live, one owner per build: main's settings in the desktop app
 * (which then speaks the chosen language too), localStorage (`veracall.prefs`) in the web build.
 */
export interface PrefsStore {
  /**
   * Read once before the first render, so it draws in the chosen language and theme (one async
   * read rather than a synchronous IPC that would block the page, or preload arguments that a
   * reload would not refresh).
   */
  load(): Promise<Prefs>
  /** Stores a change. Best effort: a failure is logged and the change lives on in memory. */
  save(patch: Partial<Prefs>): Promise<void>
}

/** Everything that differs between the Electron renderer and the plain web build. */
export interface Platform {
  readonly kind: 'electron' | 'web'
  /** The signaling server offered by default: the embedded server, or the page's own origin. */
  defaultServerUrl(): Promise<string>
  readonly tokens: TokenStore
  readonly prefs: PrefsStore
  /** Shows a notification, when permitted; resolves false when it could not be shown. */
  notify(notification: PlatformNotification): Promise<boolean>
  /**
   * A call is ringing here: announce it (OS notification) and decide whether the ringtone
   * sounds. The one owner of that decision: in the desktop app main's ring policy (do-not-disturb,
   * busy, a repeat), in the web build always. `notification` is the renderer's wording of it, for
   * platforms that notify from the page.
   */
  ring(call: IncomingCall, notification: PlatformNotification): Promise<boolean>
  /** The deepfake detector, or null when this build has none. */
  readonly detection: DetectionPort | null
  /** Opens an http(s) link in the system browser (never inside the app window). */
  openExternal(url: string): void
  /**
   * Saves a finished call recording (WebM) where the person chooses: a download in the web build,
   * main's save dialog in the desktop app. False when they cancelled.
   */
  saveRecording(recording: Blob, suggestedName: string): Promise<boolean>
  /** The operating system's preferred languages, most preferred first (BCP 47). */
  languages(): readonly string[]
}

/**
 * The desktop-only API (`window.veracall`) when the platform has one (platform/electron.ts), else
 * null: code that rings, updates the tray or reads main's settings checks this and leaves the web
 * build as it is.
 */
export function desktopApi(platform: Platform): VeracallApi | null {
  const desktop = (platform as Platform & { desktop?: VeracallApi }).desktop
  return desktop ?? null
}
