import type { ScreenSource } from '../../../shared/screen-sources.js'
import type { AppStore } from '../store/index.js'
import type { LocalMediaSession } from './peer-mesh.js'
import { deviceError } from './devices.js'
import { openTrack } from './media.js'
import type { CaptureScreen } from './screen-capture.js'

export interface ScreenShareDeps {
  store: AppStore
  /** The call's session, or null between calls. */
  session: () => LocalMediaSession | null
  capture: CaptureScreen
  /** Reopens the camera after sharing (getUserMedia by default). */
  openCamera?: (deviceId: string | null) => Promise<MediaStreamTrack>
}

/**
 * Sharing a screen or window mid-call in place of the camera: the screen track replaces the
 * camera's on the same sender (no renegotiation), the other side is told through media_state,
 * and Stop (or the capture ending, e.g. the OS's own "stop sharing") brings the camera back if it
 * was on. Video calls only: an audio call has no video sender to reuse.
 */
export class ScreenShare {
  private screen: MediaStreamTrack | null = null
  private cameraWasOn = false
  private busy = false
  private pending: ((id: string | null) => void) | null = null

  constructor(private readonly deps: ScreenShareDeps) {}

  private get store(): AppStore {
    return this.deps.store
  }

  toggle(): Promise<void> {
    return this.store.getState().screenSharing ? this.stop() : this.start()
  }

  async start(): Promise<void> {
    const s = this.store.getState()
    const session = this.deps.session()
    if (!session || session.isClosed || s.callType !== 'video' || s.screenSharing || this.busy)
      return
    if (s.phase !== 'active' && s.phase !== 'connecting') return
    this.busy = true
    let track: MediaStreamTrack | null
    try {
      track = await this.deps.capture((sources) => this.ask(sources))
    } catch (err) {
      // NotAllowedError is the browser's picker cancelled: nothing to report.
      if (errorName(err) !== 'NotAllowedError') s.setDeviceError(deviceError('screen', err))
      return
    } finally {
      this.busy = false
      this.closePicker()
    }
    if (!track) return
    if (this.deps.session() !== session || session.isClosed || track.readyState === 'ended') {
      track.stop()
      return
    }
    track.contentHint = 'detail'
    this.cameraWasOn = this.store.getState().cameraEnabled
    this.screen = track
    // Announce first: the other side pauses its face check before the first screen frame.
    session.setScreenSharing(true)
    await session.replaceTrack('video', track)
    track.addEventListener('ended', this.onEnded)
    this.store.getState().setScreenSharing(true)
    this.store.getState().setDeviceError(null)
    this.showLocalTracks(session)
  }

  /** Stops sharing; the camera comes back if it was on before. */
  async stop(): Promise<void> {
    const session = this.deps.session()
    if (!this.store.getState().screenSharing || !session || this.busy) return
    this.busy = true
    try {
      this.screen?.removeEventListener('ended', this.onEnded)
      this.screen = null
      let camera: MediaStreamTrack | null = null
      if (this.cameraWasOn) {
        try {
          camera = await (this.deps.openCamera ?? ((id) => openTrack('video', id)))(
            this.store.getState().cameraId,
          )
        } catch (err) {
          this.store.getState().setDeviceError(deviceError('cameraOn', err))
          this.store.getState().setCameraEnabled(false)
        }
      }
      if (this.deps.session() !== session || session.isClosed) {
        camera?.stop()
        return
      }
      // The camera (or nothing) replaces the screen, which replaceTrack stops; then the flag
      // goes, so the other side resumes its face check on camera frames.
      await session.replaceTrack('video', camera)
      session.setScreenSharing(false)
      this.store.getState().setScreenSharing(false)
      this.showLocalTracks(session)
    } finally {
      this.busy = false
    }
  }

  /** The picker's answer: a listed source id, or null for Cancel. */
  pick(id: string | null): void {
    const resolve = this.pending
    this.pending = null
    this.store.getState().setScreenPicker(null)
    resolve?.(id)
  }

  /** The call ended: a picker still open is cancelled, the session has stopped the tracks. */
  reset(): void {
    this.pick(null)
    this.screen?.removeEventListener('ended', this.onEnded)
    this.screen = null
  }

  private ask(sources: ScreenSource[]): Promise<string | null> {
    this.pending?.(null)
    this.store.getState().setScreenPicker(sources)
    return new Promise((resolve) => {
      this.pending = resolve
    })
  }

  private closePicker(): void {
    if (this.pending) this.pick(null)
    else if (this.store.getState().screenPicker) this.store.getState().setScreenPicker(null)
  }

  /** The capture ended outside the app (the OS's "stop sharing", the window closed). */
  private readonly onEnded = (): void => {
    void this.stop()
  }

  /** A new MediaStream object, so the local preview re-binds after a track swap. */
  private showLocalTracks(session: LocalMediaSession): void {
    if (this.deps.session() !== session) return
    this.store.getState().setLocalStream(new MediaStream(session.localStream.getTracks()))
  }
}

function errorName(err: unknown): string {
  return typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : ''
}
