import type { Platform } from '../platform/platform.js'
import type { AppStore } from '../store/index.js'
import type { CallSession } from './call-session.js'
import { startRecorder as startBrowserRecorder, type CallRecorder } from './recorder.js'

export interface CallRecordingDeps {
  store: AppStore
  platform: Pick<Platform, 'saveRecording'>
  /** The file name suggested for a recording of a call with `name`. */
  fileName: (name: string) => string
  /** The real MediaRecorder + WebAudio recorder by default; tests fake it. */
  startRecorder?: (local: MediaStream, remote: MediaStream) => CallRecorder
}

/**
 * Local recording of the current call, with consent made visible: starting or stopping tells the
 * other person through the room (`recording`), whose app shows a banner for as long as it runs.
 * It stops (and is saved) on Stop or when the call ends. The other side's state comes in here too.
 */
export class CallRecording {
  private session: CallSession | null = null
  private peerName = ''
  private recorder: CallRecorder | null = null
  private detach: (() => void) | null = null

  constructor(private readonly deps: CallRecordingDeps) {}

  /** A call's session exists: listen for the other side's recording. */
  begin(session: CallSession, peerName: string): void {
    void this.finish()
    this.session = session
    this.peerName = peerName
    this.detach = session.on('remoteRecording', (state) =>
      this.deps.store.getState().setRecording({ remote: state === 'started' }),
    )
  }

  /** Record: false when there is nothing to record yet or this browser can't. */
  start(): boolean {
    const { session } = this
    const { store } = this.deps
    if (!session || this.recorder || !session.remoteStream) return false
    try {
      this.recorder = (this.deps.startRecorder ?? startBrowserRecorder)(
        session.localStream,
        session.remoteStream,
      )
    } catch (err) {
      console.warn('recording did not start', err)
      store.getState().setRecording({ error: 'unsupported' })
      return false
    }
    store.getState().setRecording({ local: true, error: null })
    session.sendRecording('started')
    return true
  }

  /** Stop: tells the other side at once, then saves the file where the person chooses. */
  async stop(): Promise<void> {
    const recorder = this.recorder
    if (!recorder) return
    this.recorder = null
    const { store, platform, fileName } = this.deps
    store.getState().setRecording({ local: false })
    if (this.session && !this.session.isClosed) this.session.sendRecording('stopped')
    const name = fileName(this.peerName)
    const blob = await recorder.stop()
    if (blob.size === 0) return
    try {
      await platform.saveRecording(blob, name)
    } catch (err) {
      console.warn('recording was not saved', err)
      store.getState().setRecording({ error: 'save_failed' })
    }
  }

  dismissError(): void {
    this.deps.store.getState().setRecording({ error: null })
  }

  /** The call is over: a recording running stops and is saved; the banner goes with the call. */
  finish(): Promise<void> {
    const saving = this.stop()
    this.detach?.()
    this.detach = null
    this.session = null
    this.deps.store.getState().setRecording({ local: false, remote: false })
    return saving
  }
}
