import type { AppStore } from '../store/index.js'
import type { DeviceError } from '../store/slices/call.js'
import type { LocalMediaSession } from './peer-mesh.js'
import { listDevices, openTrack } from './media.js'

/**
 * The person's devices during and between calls: mute, camera on/off, switching camera,
 * microphone or speaker mid-call, and the errors the OS gives for them. Kept apart from the call
 * (as LiveKit keeps a DeviceManager apart from Room): it only needs the current session, which
 * the call controller hands it through `session()`.
 */
export class DeviceController {
  /** The element playing the remote side, whose audio output the speaker choice sets. */
  private remoteMedia: HTMLMediaElement | null = null

  constructor(
    private readonly deps: {
      store: AppStore
      /** The call's session, or null between calls. */
      session: () => LocalMediaSession | null
    },
  ) {}

  private get store(): AppStore {
    return this.deps.store
  }

  /** Lists the devices now and whenever one is plugged in or out. */
  watch(): void {
    void this.refresh()
    navigator.mediaDevices?.addEventListener('devicechange', () => void this.refresh())
  }

  async refresh(): Promise<void> {
    if (!navigator.mediaDevices?.enumerateDevices) return
    try {
      const lists = await listDevices()
      const plain = (d: MediaDeviceInfo): { deviceId: string; label: string } => ({
        deviceId: d.deviceId,
        label: d.label,
      })
      this.store.getState().setDevices({
        cameras: lists.cameras.map(plain),
        microphones: lists.microphones.map(plain),
        speakers: lists.speakers.map(plain),
      })
    } catch {
      // No device access yet: the pickers stay empty until the first call.
    }
  }

  toggleMicrophone(): void {
    const { micEnabled, localStream } = this.store.getState()
    const next = !micEnabled
    const session = this.deps.session()
    if (session) session.setMicrophoneEnabled(next)
    else localStream?.getAudioTracks().forEach((t) => (t.enabled = next))
    this.store.getState().setMicEnabled(next)
  }

  async toggleCamera(): Promise<void> {
    const s = this.store.getState()
    const session = this.deps.session()
    // While a screen is shared the video sender carries it; Stop sharing brings the camera back.
    if (s.callType !== 'video' || !session || s.screenSharing) return
    if (s.cameraEnabled) {
      await session.replaceTrack('video', null)
      s.setCameraEnabled(false)
    } else {
      try {
        const track = await this.openTrackFor(session, 'video', s.cameraId)
        if (!track) return
        await session.replaceTrack('video', track)
        s.setCameraEnabled(true)
      } catch (err) {
        s.setDeviceError(deviceError('cameraOn', err))
        return
      }
    }
    this.showLocalTracks(session)
  }

  /**
   * Switches camera or microphone mid-call with replaceTrack (no renegotiation), or the speaker
   * with setSinkId. The choice is kept only once the switch worked, so the picker never shows a
   * device that is not the one in use.
   */
  async switchDevice(kind: 'camera' | 'microphone' | 'speaker', deviceId: string): Promise<void> {
    const s = this.store.getState()
    const session = this.deps.session()
    if (kind === 'speaker') {
      const el = this.remoteMedia
      if (session && el && 'setSinkId' in el) {
        try {
          await el.setSinkId(deviceId)
        } catch (err) {
          s.setDeviceError(deviceError('speaker', err))
          return
        }
      }
      s.selectDevice(kind, deviceId)
      s.setDeviceError(null)
      return
    }
    // A call being set up has its devices opening, or open with no connection yet to switch
    // them on: a choice now would name a device that is not the one in use (the picker waits).
    if (!session && s.phase === 'outgoing') return
    // No call, the camera is off or a screen is shared: the choice applies when it next opens.
    if (!session || (kind === 'camera' && (!s.cameraEnabled || s.screenSharing))) {
      s.selectDevice(kind, deviceId)
      return
    }
    const trackKind = kind === 'camera' ? 'video' : 'audio'
    let track: MediaStreamTrack | null = null
    try {
      track = await this.openTrackFor(session, trackKind, deviceId)
      if (!track) return
      await session.replaceTrack(trackKind, track)
    } catch (err) {
      track?.stop()
      s.setDeviceError(deviceError(kind, err))
      return
    }
    s.selectDevice(kind, deviceId)
    s.setDeviceError(null)
    this.showLocalTracks(session)
  }

  /** The call screen's remote <video>, or null once it is gone. */
  setRemoteMediaElement(el: HTMLMediaElement | null): void {
    this.remoteMedia = el
  }

  dismissDeviceError(): void {
    this.store.getState().setDeviceError(null)
  }

  /**
   * Opens a device for `session`. Opening takes a while (permission, hardware): if the call ended
   * meanwhile, the new track is stopped (camera/mic light off) and null is returned.
   */
  private async openTrackFor(
    session: LocalMediaSession,
    kind: 'audio' | 'video',
    deviceId: string | null,
  ): Promise<MediaStreamTrack | null> {
    const track = await openTrack(kind, deviceId)
    if (this.deps.session() === session && !session.isClosed) return track
    track.stop()
    return null
  }

  /** A new MediaStream object, so the local preview re-binds after a track swap. */
  private showLocalTracks(session: LocalMediaSession): void {
    if (this.deps.session() !== session) return
    this.store.getState().setLocalStream(new MediaStream(session.localStream.getTracks()))
  }
}

/** getUserMedia and setSinkId failures, by DOMException name. */
export function deviceError(action: DeviceError['action'], err: unknown): DeviceError {
  const name = typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : ''
  const reason: DeviceError['reason'] =
    name === 'NotAllowedError' || name === 'SecurityError'
      ? 'denied'
      : name === 'NotReadableError' || name === 'AbortError'
        ? 'busy'
        : name === 'NotFoundError' || name === 'OverconstrainedError'
          ? 'missing'
          : 'other'
  return { action, reason }
}
