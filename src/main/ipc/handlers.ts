import type { SettingsStore } from '../settings/store.js'
import type { EmbeddedServer } from '../embedded-server.js'
import type { Notifier } from '../notifications/notifier.js'
import type { DetectorHost } from '../detector-bridge.js'
import type { ScreenPicker } from '../screen-share/screen-picker.js'
import type { AppInfo, RecordingFile, Toast } from '../../shared/ipc-contract.js'
import { IpcError } from './result.js'
import type { IpcHandlers } from './register.js'

export interface HandlerServices {
  appInfo(): AppInfo
  settings: SettingsStore
  server: Pick<EmbeddedServer, 'info'>
  notifier: Pick<Notifier, 'incoming' | 'ended'>
  detector(): Promise<DetectorHost>
  /** Opens the link if it passes isSafeExternalUrl; false if refused. */
  openExternal(url: string): boolean
  chooseFolder(): Promise<string | null>
  /** Saves a call recording through the native save dialog; false when cancelled. */
  saveRecording(file: RecordingFile): Promise<boolean>
  setInCall(active: boolean): void
  /** Shows a plain notification unless do-not-disturb is on; false if not shown. */
  notify(toast: Toast): boolean
  /** Screen share: the source list and the person's pick for the next getDisplayMedia. */
  screenPicker: Pick<ScreenPicker, 'listSources' | 'choose'>
  /** The session token, kept in main's memory only. */
  token: { get(): string | null; set(token: string | null): void }
}

/** The implementation behind each contract channel; arguments arrive already validated. */
export function createIpcHandlers(s: HandlerServices): IpcHandlers {
  return {
    'app:getInfo': () => s.appInfo(),
    'settings:get': () => s.settings.get(),
    'settings:update': (patch) => s.settings.update(patch),
    'settings:chooseModelFolder': async () => {
      const folder = await s.chooseFolder()
      return folder === null ? s.settings.get() : s.settings.update({ customModelFolder: folder })
    },
    'server:getInfo': () => s.server.info(),
    'auth:getToken': () => s.token.get(),
    'auth:setToken': (token) => {
      s.token.set(token)
      return null
    },
    'app:notify': (toast) => s.notify(toast),
    'shell:openExternal': (url) => {
      if (!s.openExternal(url)) throw new IpcError('not_allowed')
      return null
    },
    'call:incoming': (call) => s.notifier.incoming(call),
    'call:ringEnded': (callId) => {
      s.notifier.ended(callId)
      return null
    },
    'call:setActive': (active) => {
      s.setInCall(active)
      return null
    },
    'detector:status': async () => (await s.detector()).status(),
    'detector:startSession': async (callId) => {
      await (await s.detector()).startSession(callId)
      return null
    },
    'detector:submitFrame': async (frame) => {
      await (await s.detector()).submitFrame(frame)
      return null
    },
    'detector:verify': async (callId, kind) => {
      await (await s.detector()).verify(callId, { kind })
      return null
    },
    'detector:endSession': async (callId) => (await s.detector()).endSession(callId),
    'screen:listSources': () => s.screenPicker.listSources(),
    'screen:chooseSource': (id) => {
      s.screenPicker.choose(id)
      return null
    },
    'recording:save': (file) => s.saveRecording(file),
  }
}
