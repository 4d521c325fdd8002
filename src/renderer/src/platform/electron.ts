import type { DetectionPort } from '../../../shared/detection.js'
import type { IpcResult, VeracallApi } from '../../../shared/ipc-contract.js'
import { createDesktopPrefsStore } from './desktop-prefs.js'
import { ringThroughMain } from './desktop-ring.js'
import { safeLocalStorage } from './local-storage.js'
import type { Platform } from './platform.js'

/** Thrown when main answers a request with an error code (invalid_argument, unavailable...). */
export class DesktopIpcError extends Error {
  override name = 'DesktopIpcError'
  constructor(
    readonly channel: string,
    readonly code: string,
  ) {
    super(`${channel}: ${code}`)
  }
}

function unwrap<T>(channel: string, result: IpcResult<T>): T {
  if (result.ok) return result.value
  throw new DesktopIpcError(channel, result.error.code)
}

/** The detector in main, through the preload; main never fakes a score, nor does this. */
function detectionPort(api: VeracallApi): DetectionPort {
  return {
    status: async () => unwrap('detector:status', await api.detectorStatus()),
    startSession: async (callId) => {
      unwrap('detector:startSession', await api.detectorStartSession(callId))
    },
    submitFrame: async (frame) => {
      unwrap('detector:submitFrame', await api.detectorSubmitFrame(frame))
    },
    endSession: async (callId) =>
      unwrap('detector:endSession', await api.detectorEndSession(callId)),
    verify: async (callId, kind) => {
      unwrap('detector:verify', await api.detectorVerify(callId, kind))
    },
    onRisk: (listener) => api.onRisk(listener),
  }
}

/**
 * The desktop platform: `window.veracall` (the preload API) behind the renderer's Platform
 * interface. Null outside Electron, so the web build falls back to platform/web.ts.
 */
export function createElectronPlatform(
  win: Window & { veracall?: VeracallApi } = window,
): (Platform & { desktop: VeracallApi }) | null {
  const api = win.veracall
  if (api === undefined) return null
  return {
    kind: 'electron',
    async defaultServerUrl() {
      const info = unwrap('server:getInfo', await api.serverGetInfo())
      if (info.localUrl === null) {
        throw new DesktopIpcError('server:getInfo', info.error ?? 'embedded server not running')
      }
      return info.localUrl
    },
    tokens: {
      get: async () => unwrap('auth:getToken', await api.authGetToken()),
      set: async (token) => {
        unwrap('auth:setToken', await api.authSetToken(token))
      },
    },
    // localStorage only to move an older version's prefs into main's settings.
    prefs: createDesktopPrefsStore(api, safeLocalStorage(win)),
    async notify({ title, body, tag }) {
      const result = await api.appNotify(tag === undefined ? { title, body } : { title, body, tag })
      return result.ok && result.value
    },
    ring: ringThroughMain(api),
    detection: detectionPort(api),
    openExternal(url) {
      void api.shellOpenExternal(url)
    },
    saveRecording: async (recording, suggestedName) =>
      unwrap(
        'recording:save',
        await api.recordingSave({ suggestedName, data: await recording.arrayBuffer() }),
      ),
    languages: () => win.navigator.languages,
    // The rest of the desktop API (call ringing, tray state, settings, deep links) for code
    // that knows it runs in the desktop app.
    desktop: api,
  }
}
