import type { CallType } from 'veracall-signaling/protocol'

export interface DeviceChoice {
  cameraId: string | null
  microphoneId: string | null
}

const VIDEO: MediaTrackConstraints = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30 },
}

/** Opens the microphone (and camera for a video call) with the chosen devices. */
export function openLocalMedia(type: CallType, choice: DeviceChoice): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({
    audio: choice.microphoneId
      ? { deviceId: { exact: choice.microphoneId }, echoCancellation: true, noiseSuppression: true }
      : { echoCancellation: true, noiseSuppression: true },
    video:
      type === 'video'
        ? choice.cameraId
          ? { ...VIDEO, deviceId: { exact: choice.cameraId } }
          : VIDEO
        : false,
  })
}

/** One fresh track from a device, for `replaceTrack` mid-call. */
export async function openTrack(
  kind: 'audio' | 'video',
  deviceId: string | null,
): Promise<MediaStreamTrack> {
  const constraints: MediaStreamConstraints =
    kind === 'audio'
      ? { audio: deviceId ? { deviceId: { exact: deviceId } } : true }
      : { video: deviceId ? { ...VIDEO, deviceId: { exact: deviceId } } : VIDEO }
  const stream = await navigator.mediaDevices.getUserMedia(constraints)
  const track = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0]
  if (!track) throw new Error(`no ${kind} track`)
  return track
}

export interface DeviceLists {
  cameras: MediaDeviceInfo[]
  microphones: MediaDeviceInfo[]
  speakers: MediaDeviceInfo[]
}

export async function listDevices(): Promise<DeviceLists> {
  const all = await navigator.mediaDevices.enumerateDevices()
  return {
    cameras: all.filter((d) => d.kind === 'videoinput'),
    microphones: all.filter((d) => d.kind === 'audioinput'),
    speakers: all.filter((d) => d.kind === 'audiooutput'),
  }
}

/** Whether this browser can route audio to a chosen output (`setSinkId`). */
export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype
}

/** Stops every track of a stream (camera and microphone lights off). */
export function stopStream(stream: MediaStream | null): void {
  stream?.getTracks().forEach((t) => t.stop())
}
