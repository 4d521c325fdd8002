/**
 * Records a call on this device: one WebM with the remote video and a WebAudio mix of the remote
 * and local audio (so both voices are in it, whoever spoke). Nothing leaves the device.
 */

/** A running recording: `stop` resolves to the whole file (empty if nothing was captured). */
export interface CallRecorder {
  stop(): Promise<Blob>
}

/** The browser APIs used, injectable so the call logic is testable without them. */
export interface RecorderEnvironment {
  createAudioContext(): AudioContext
  createMediaStream(tracks: MediaStreamTrack[]): MediaStream
  createRecorder(stream: MediaStream, mimeType: string): MediaRecorder
  isTypeSupported(mimeType: string): boolean
}

const browser: RecorderEnvironment = {
  createAudioContext: () => new AudioContext(),
  createMediaStream: (tracks) => new MediaStream(tracks),
  createRecorder: (stream, mimeType) => new MediaRecorder(stream, { mimeType }),
  isTypeSupported: (mimeType) =>
    typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(mimeType),
}

const VIDEO_TYPES = ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp9,opus', 'video/webm']
const AUDIO_TYPES = ['audio/webm;codecs=opus', 'audio/webm']
/** Chunks are gathered every second, so a recording cut short still has its data. */
const TIMESLICE_MS = 1000

export class RecordingUnsupportedError extends Error {
  override name = 'RecordingUnsupportedError'
}

/** Starts recording; throws RecordingUnsupportedError where the browser can't record WebM. */
export function startRecorder(
  local: MediaStream,
  remote: MediaStream,
  env: RecorderEnvironment = browser,
): CallRecorder {
  const video = remote.getVideoTracks()
  const mimeType = (video.length > 0 ? VIDEO_TYPES : AUDIO_TYPES).find((t) =>
    env.isTypeSupported(t),
  )
  if (mimeType === undefined) throw new RecordingUnsupportedError('no WebM recording here')
  const audio = env.createAudioContext()
  const mix = audio.createMediaStreamDestination()
  for (const stream of [remote, local]) {
    // A source needs at least one audio track (a muted microphone still has one: silence).
    if (stream.getAudioTracks().length > 0) audio.createMediaStreamSource(stream).connect(mix)
  }
  const recorder = env.createRecorder(
    env.createMediaStream([...mix.stream.getAudioTracks(), ...video]),
    mimeType,
  )
  const chunks: Blob[] = []
  recorder.addEventListener('dataavailable', (event: BlobEvent) => {
    if (event.data.size > 0) chunks.push(event.data)
  })
  const stopped = new Promise<Blob>((resolve) => {
    recorder.addEventListener('stop', () => {
      void audio.close().catch(() => undefined)
      resolve(new Blob(chunks, { type: mimeType.split(';')[0] }))
    })
  })
  recorder.start(TIMESLICE_MS)
  return {
    stop: () => {
      if (recorder.state !== 'inactive') recorder.stop()
      return stopped
    },
  }
}
