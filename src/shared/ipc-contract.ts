/**
 * THE map of every IPC message between the renderer (through the preload) and main: one entry per
 * channel with its argument and result schemas. Main validates every argument against it, the
 * preload exposes exactly one function per entry, and the types below are derived from it.
 * Isomorphic: no Node, Electron or DOM imports.
 */
import Type from 'typebox'
import { CallId, CallType, ChallengeKindSchema, Username } from 'veracall-signaling/protocol'
import { DetectorStatus, FrameInput, RiskUpdate, SecurityReport } from './detection.js'
import { ScreenSourceId, ScreenSources } from './screen-sources.js'

// The detection schemas (and their types) are owned by detection.ts; re-exported for IPC users.
export {
  DetectorStatus,
  FrameInput,
  isFrameSize,
  MAX_FRAME_BYTES,
  MAX_FRAME_SIDE,
  MAX_REPORT_TIMELINE,
  RiskUpdate,
  SecurityReport,
} from './detection.js'

const strict = { additionalProperties: false } as const

/** The app's own origin: the privileged `app://` scheme the renderer is served from. */
export const APP_SCHEME = 'app'
export const APP_HOST = 'veracall'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
/** The OS-level scheme for deep links (`veracall://call/<username>`, `veracall://server?url=`). */
export const DEEP_LINK_SCHEME = 'veracall'

const NullableString = (maxLength: number) => Type.Union([Type.String({ maxLength }), Type.Null()])

/** http(s) URL of a remote signaling server, or '' for the embedded one. */
export const ServerUrl = Type.Union([
  Type.Literal(''),
  Type.Refine(Type.String({ maxLength: 2048, pattern: '^https?://' }), (value) =>
    URL.canParse(value),
  ),
])

/** The app's language: 'system' follows the OS (the renderer's languages, main's app.getLocale()). */
export const LanguagePref = Type.Union([
  Type.Literal('system'),
  Type.Literal('en'),
  Type.Literal('zh-CN'),
])
export type LanguagePref = Type.Static<typeof LanguagePref>
export const ThemePref = Type.Union([
  Type.Literal('system'),
  Type.Literal('light'),
  Type.Literal('dark'),
])
export type ThemePref = Type.Static<typeof ThemePref>

/** Longest STUN/TURN list, and URL in it, the settings keep. */
const MAX_ICE_URLS = 32
const IceUrls = Type.Array(Type.String({ maxLength: 2048 }), { maxItems: MAX_ICE_URLS })

/** Frames analysed per second by default; settings allow 1–10. */
export const DEFAULT_ANALYSIS_RATE = 5
/**
 * The top analysis rate (frames per second): the highest setting, and the rate main's host uses
 * while it judges a Verify check (the renderer's sampler follows it while main says one runs).
 */
export const MAX_ANALYSIS_RATE: number = 10

/**
 * The desktop app's settings, main's and the renderer's preferences in one file main owns (the web
 * build keeps the renderer's part in localStorage). Never a secret (checklist R3): no token, no
 * password, no TURN credential.
 */
export const Settings = Type.Object(
  {
    /** The server last signed in to or switched to, '' for the default (the embedded one). */
    serverUrl: ServerUrl,
    doNotDisturb: Type.Boolean(),
    startAtLogin: Type.Boolean(),
    /** Binds the embedded server to the LAN (plain http/ws: a documented, visible choice, E22). */
    networkSharing: Type.Boolean(),
    /** Keep running in the tray when the window is closed. */
    closeToTray: Type.Boolean(),
    /** Opt-in: the window's content is hidden from screen capture (setContentProtection). */
    hideFromScreenCapture: Type.Boolean(),
    /** The app's language, main's tray, notifications and dialogs included. */
    language: LanguagePref,
    theme: ThemePref,
    /** STUN servers; null for the built-in public list, [] for none. */
    stunUrls: Type.Union([IceUrls, Type.Null()]),
    /** TURN relay; its credential is never stored. */
    turnUrls: IceUrls,
    turnUsername: Type.String({ maxLength: 512 }),
    /** Offered on the sign-in form. */
    lastUsername: Type.Union([Type.Literal(''), Username]),
    /** The renderer's old localStorage prefs were moved in here (once, on the first launch). */
    localPrefsImported: Type.Boolean(),
    detectionEnabled: Type.Boolean(),
    /** Frames analysed per second. */
    analysisRate: Type.Integer({ minimum: 1, maximum: MAX_ANALYSIS_RATE }),
    /** Chosen through a native dialog in main; the renderer may only clear it. */
    customModelFolder: NullableString(4096),
  },
  strict,
)
export type Settings = Type.Static<typeof Settings>

const optional = <K extends keyof typeof Settings.properties>(key: K) =>
  Type.Optional(Settings.properties[key])

/** What the renderer may change directly (a model folder is picked by main's dialog). */
export const SettingsPatch = Type.Object(
  {
    serverUrl: optional('serverUrl'),
    doNotDisturb: optional('doNotDisturb'),
    startAtLogin: optional('startAtLogin'),
    networkSharing: optional('networkSharing'),
    closeToTray: optional('closeToTray'),
    hideFromScreenCapture: optional('hideFromScreenCapture'),
    language: optional('language'),
    theme: optional('theme'),
    stunUrls: optional('stunUrls'),
    turnUrls: optional('turnUrls'),
    turnUsername: optional('turnUsername'),
    lastUsername: optional('lastUsername'),
    localPrefsImported: Type.Optional(Type.Literal(true)),
    detectionEnabled: optional('detectionEnabled'),
    analysisRate: optional('analysisRate'),
    customModelFolder: Type.Optional(Type.Null()),
  },
  strict,
)
export type SettingsPatch = Type.Static<typeof SettingsPatch>

/** Longest start error ServerInfo carries; main cuts a longer one to this. */
export const MAX_SERVER_ERROR_LENGTH = 512

export const ServerInfo = Type.Object(
  {
    running: Type.Boolean(),
    /** URL this app uses for the embedded server (loopback), null when stopped. */
    localUrl: NullableString(256),
    /** Addresses to give to someone on the same network, empty unless sharing is on. */
    lanUrls: Type.Array(Type.String({ maxLength: 256 }), { maxItems: 16 }),
    sharing: Type.Boolean(),
    error: NullableString(MAX_SERVER_ERROR_LENGTH),
    /**
     * Whether the server's signing key is encrypted by the OS keyring. False where safeStorage
     * has none (Linux without a keyring: its basic_text backend uses a fixed key); the key is
     * then kept in a file only this user can read.
     */
    secretEncrypted: Type.Boolean(),
  },
  strict,
)
export type ServerInfo = Type.Static<typeof ServerInfo>

export const AppInfo = Type.Object(
  {
    version: Type.String({ maxLength: 64 }),
    platform: Type.String({ maxLength: 32 }),
    isPackaged: Type.Boolean(),
  },
  strict,
)
export type AppInfo = Type.Static<typeof AppInfo>

export const Toast = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 128 }),
    body: Type.String({ maxLength: 512 }),
    /** One notification per tag: a newer one replaces it. */
    tag: Type.Optional(Type.String({ maxLength: 64 })),
  },
  strict,
)
export type Toast = Type.Static<typeof Toast>

/** A session token: a JWT is three base64url parts. */
const Token = Type.Union([
  Type.String({
    minLength: 1,
    maxLength: 4096,
    pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*$',
  }),
  Type.Null(),
])

/** Longest caller name main shows in a notification (the renderer shortens to it). */
export const CALLER_NAME_MAX_LENGTH: number = 64
export const IncomingCall = Type.Object(
  {
    callId: CallId,
    callerName: Type.String({ minLength: 1, maxLength: CALLER_NAME_MAX_LENGTH }),
    callType: CallType,
  },
  strict,
)
export type IncomingCall = Type.Static<typeof IncomingCall>

export const RingDecision = Type.Object(
  {
    /** Whether the renderer should play the ringtone. */
    ring: Type.Boolean(),
    reason: Type.Union([
      Type.Literal('ring'),
      Type.Literal('do_not_disturb'),
      Type.Literal('busy'),
      Type.Literal('duplicate'),
    ]),
  },
  strict,
)
export type RingDecision = Type.Static<typeof RingDecision>

export const DeepLink = Type.Union([
  Type.Object({ kind: Type.Literal('call'), username: Username }, strict),
  Type.Object({ kind: Type.Literal('server'), url: Type.String({ maxLength: 2048 }) }, strict),
])
export type DeepLink = Type.Static<typeof DeepLink>

export const CallAction = Type.Object(
  {
    callId: CallId,
    /** `show`: the notification was clicked, bring up the ringing screen. */
    action: Type.Union([Type.Literal('accept'), Type.Literal('decline'), Type.Literal('show')]),
  },
  strict,
)
export type CallAction = Type.Static<typeof CallAction>

/** Largest call recording main writes (1 GiB: about two hours of the recorded WebM). */
export const MAX_RECORDING_BYTES = 1024 ** 3
/** WebM files start with the EBML header's magic number. */
const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3] as const

/** Whether `data` is a plausible WebM recording: not empty, not too big, an EBML header first. */
export function isWebmRecording(data: ArrayBuffer): boolean {
  if (data.byteLength < EBML_MAGIC.length || data.byteLength > MAX_RECORDING_BYTES) return false
  const head = new Uint8Array(data, 0, EBML_MAGIC.length)
  return EBML_MAGIC.every((byte, i) => head[i] === byte)
}

/**
 * A finished call recording for main to save where the person chooses. The name is only the
 * dialog's suggestion (no folder, no separators); main picks the folder and adds `.webm`.
 */
export const RecordingFile = Type.Object(
  {
    suggestedName: Type.String({
      minLength: 1,
      maxLength: 120,
      pattern: '^(?!\\.)[^/\\\\:*?"<>|\\x00-\\x1f]+$',
    }),
    data: Type.Refine(
      Type.Unsafe<ArrayBuffer>({}),
      (value) => value instanceof ArrayBuffer && isWebmRecording(value),
    ),
  },
  strict,
)
export type RecordingFile = Type.Static<typeof RecordingFile>

/** Renderer → main requests (`ipcRenderer.invoke` / `ipcMain.handle`). Args are a tuple. */
export const invokeContract = {
  'app:getInfo': { args: Type.Tuple([]), result: AppInfo },
  'settings:get': { args: Type.Tuple([]), result: Settings },
  'settings:update': { args: Type.Tuple([SettingsPatch]), result: Settings },
  /** Opens a folder picker in main; resolves to the new settings (unchanged if cancelled). */
  'settings:chooseModelFolder': { args: Type.Tuple([]), result: Settings },
  'server:getInfo': { args: Type.Tuple([]), result: ServerInfo },
  /** The session token lives in main's memory, never in renderer storage (R3). */
  'auth:getToken': { args: Type.Tuple([]), result: Token },
  'auth:setToken': { args: Type.Tuple([Token]), result: Type.Null() },
  /** A plain OS notification; false when not shown (unsupported, do-not-disturb). */
  'app:notify': { args: Type.Tuple([Toast]), result: Type.Boolean() },
  /** Opens an https (or http) link in the system browser, after main's own check. */
  'shell:openExternal': {
    args: Type.Tuple([Type.String({ minLength: 1, maxLength: 2048 })]),
    result: Type.Null(),
  },
  /** An incoming call arrived on the events socket: main notifies and says whether to ring. */
  'call:incoming': { args: Type.Tuple([IncomingCall]), result: RingDecision },
  /** The ringing ended (answered elsewhere, declined, missed): withdraw the notification. */
  'call:ringEnded': { args: Type.Tuple([CallId]), result: Type.Null() },
  /** The user is in a call or not (busy policy, tray state). */
  'call:setActive': { args: Type.Tuple([Type.Boolean()]), result: Type.Null() },
  'detector:status': { args: Type.Tuple([]), result: DetectorStatus },
  'detector:startSession': { args: Type.Tuple([CallId]), result: Type.Null() },
  'detector:submitFrame': { args: Type.Tuple([FrameInput]), result: Type.Null() },
  /**
   * "Verify": the other person was sent a liveness challenge of this kind; main analyses the call
   * at 10 fps for the host's fixed challenge window and judges it (the renderer sets no length).
   */
  'detector:verify': { args: Type.Tuple([CallId, ChallengeKindSchema]), result: Type.Null() },
  'detector:endSession': {
    args: Type.Tuple([CallId]),
    result: Type.Union([SecurityReport, Type.Null()]),
  },
  /** Screen share: the screens and windows the person may pick from (the app's own picker). */
  'screen:listSources': { args: Type.Tuple([]), result: ScreenSources },
  /**
   * The person picked one of the listed sources (or cancelled with null): the next
   * getDisplayMedia from the app's page gets that source, once, shortly after.
   */
  'screen:chooseSource': {
    args: Type.Tuple([Type.Union([ScreenSourceId, Type.Null()])]),
    result: Type.Null(),
  },
  /** Shows a save dialog and writes the recording there; false when the person cancelled. */
  'recording:save': { args: Type.Tuple([RecordingFile]), result: Type.Boolean() },
} as const

/** Main → renderer events (`webContents.send`); the preload gives listeners the payload only. */
export const eventContract = {
  'event:settingsChanged': Settings,
  'event:serverInfo': ServerInfo,
  'event:deepLink': DeepLink,
  'event:callAction': CallAction,
  'event:risk': RiskUpdate,
} as const

export type InvokeChannel = keyof typeof invokeContract
export type EventChannel = keyof typeof eventContract
export const INVOKE_CHANNELS = Object.keys(invokeContract) as InvokeChannel[]
export const EVENT_CHANNELS = Object.keys(eventContract) as EventChannel[]

export type InvokeArgs<C extends InvokeChannel> = Type.Static<(typeof invokeContract)[C]['args']>
export type InvokeResult<C extends InvokeChannel> = Type.Static<
  (typeof invokeContract)[C]['result']
>
export type EventPayload<C extends EventChannel> = Type.Static<(typeof eventContract)[C]>

export type IpcErrorCode =
  'invalid_argument' | 'forbidden_origin' | 'not_allowed' | 'unavailable' | 'internal_error'

/** Every invoke answers with this: failures are values, not exceptions (pattern 10). */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: { code: IpcErrorCode } }

/** Preload API method names: `settings:update` → `settingsUpdate`, `event:risk` → `onRisk`. */
type Camel<S extends string> = S extends `${infer A}:${infer B}` ? `${A}${Capitalize<B>}` : S
type EventName<S extends string> = S extends `event:${infer B}` ? `on${Capitalize<B>}` : never

export function invokeMethodName<C extends InvokeChannel>(channel: C): Camel<C> {
  const [a = '', b = ''] = channel.split(':')
  return `${a}${b.charAt(0).toUpperCase()}${b.slice(1)}` as Camel<C>
}
export function eventMethodName<C extends EventChannel>(channel: C): EventName<C> {
  const name = channel.slice('event:'.length)
  return `on${name.charAt(0).toUpperCase()}${name.slice(1)}` as EventName<C>
}

/** The API the preload exposes as `window.veracall`: one function per contract channel. */
export type VeracallApi = {
  [C in InvokeChannel as Camel<C>]: (...args: InvokeArgs<C>) => Promise<IpcResult<InvokeResult<C>>>
} & {
  [C in EventChannel as EventName<C>]: (listener: (payload: EventPayload<C>) => void) => () => void
}
