/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { RecordingState } from 'veracall-signaling/protocol'
import { CallRecording } from '../../../src/renderer/src/call/call-recording.js'
import type { CallSession } from '../../../src/renderer/src/call/call-session.js'
import {
  RecordingUnsupportedError,
  startRecorder,
  type RecorderEnvironment,
} from '../../../src/renderer/src/call/recorder.js'
import { createAppStore } from '../../../src/renderer/src/store/index.js'
import { FakeStream, FakeTrack, settle } from '../fakes/fake-peer.js'
import { harness } from '../fakes/controller-harness.js'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

/** The part of a CallSession recording uses: streams, the room message out and in. */
function fakeSession() {
  const sent: RecordingState[] = []
  let listener: ((state: RecordingState) => void) | null = null
  const session = {
    localStream: new FakeStream([new FakeTrack('audio'), new FakeTrack('video')]),
    remoteStream: new FakeStream([new FakeTrack('audio'), new FakeTrack('video')]),
    isClosed: false,
    sendRecording: (state: RecordingState) => sent.push(state),
    on: (_event: string, l: (state: RecordingState) => void) => {
      listener = l
      return () => {
        listener = null
      }
    },
  }
  return {
    session: session as unknown as CallSession,
    sent,
    receive: (state: RecordingState) => listener?.(state),
  }
}

function setup(blob = new Blob([new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1])])) {
  const store = createAppStore()
  const saved: { recording: Blob; name: string }[] = []
  const stops: number[] = []
  const recording = new CallRecording({
    store,
    platform: {
      saveRecording: async (recording, name) => {
        saved.push({ recording, name })
        return true
      },
    },
    fileName: (name) => `Call with ${name}`,
    startRecorder: () => ({
      stop: async () => {
        stops.push(1)
        return blob
      },
    }),
  })
  const { session, sent, receive } = fakeSession()
  recording.begin(session, 'Bob')
  return { store, recording, saved, stops, sent, receive, session }
}

describe('call recording', () => {
  it('tells the other side on start and stop, and saves the file on Stop', async () => {
    const { store, recording, saved, sent } = setup()
    expect(recording.start()).toBe(true)
    expect(recording.start()).toBe(false) // one at a time
    expect(store.getState().recording).toMatchObject({ local: true, error: null })
    expect(sent).toEqual(['started'])
    await recording.stop()
    expect(sent).toEqual(['started', 'stopped'])
    expect(store.getState().recording.local).toBe(false)
    expect(saved.map((s) => [s.name, s.recording.size])).toEqual([['Call with Bob', 5]])
  })

  it('stops and saves when the call ends, and the banner goes with the call', async () => {
    const { store, recording, saved, sent, receive } = setup()
    receive('started')
    expect(store.getState().recording.remote).toBe(true)
    recording.start()
    await recording.finish()
    expect(sent).toEqual(['started', 'stopped'])
    expect(saved).toHaveLength(1)
    expect(store.getState().recording).toMatchObject({ local: false, remote: false })
    receive('started') // a late message from the ended call changes nothing
    expect(store.getState().recording.remote).toBe(false)
  })

  it('shows the banner while the other side records, and removes it when they stop', () => {
    const { store, receive } = setup()
    receive('started')
    expect(store.getState().recording.remote).toBe(true)
    receive('stopped')
    expect(store.getState().recording.remote).toBe(false)
  })

  it('saves nothing when nothing was captured, and says so when saving fails', async () => {
    const empty = setup(new Blob([]))
    empty.recording.start()
    await empty.recording.stop()
    expect(empty.saved).toEqual([])
    const store = createAppStore()
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const failing = new CallRecording({
      store,
      platform: { saveRecording: () => Promise.reject(new Error('invalid_argument')) },
      fileName: (n) => n,
      startRecorder: () => ({ stop: async () => new Blob(['x']) }),
    })
    failing.begin(fakeSession().session, 'Bob')
    failing.start()
    await failing.stop()
    expect(store.getState().recording.error).toBe('save_failed')
    failing.dismissError()
    expect(store.getState().recording.error).toBeNull()
  })

  it('the call controller relays the room message and says when this browser cannot record', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const ctx = harness(null)
    await ctx.signIn()
    await ctx.ringIn()
    await ctx.controller.call.accept()
    await settle()
    const room = ctx.sockets[1]
    room?.push('peer_joined', { user_id: 'x' })
    room?.push('recording', { state: 'started' })
    expect(ctx.store.getState().recording.remote).toBe(true)
    room?.push('recording', { state: 'paused' }) // not in the contract: ignored
    expect(ctx.store.getState().recording.remote).toBe(true)
    // No remote stream yet: nothing to record.
    expect(ctx.controller.call.recording.start()).toBe(false)
    await ctx.controller.call.hangUp()
    expect(ctx.store.getState().recording.remote).toBe(false)
  })
})

describe('the recorder', () => {
  /** Records what the browser APIs were asked to do. */
  function fakeEnvironment(supported: string[]) {
    const connected: MediaStream[] = []
    const mixTrack = new FakeTrack('audio')
    const made: { tracks: unknown[]; mimeType: string; started: number[] }[] = []
    let closed = false
    const env: RecorderEnvironment = {
      createAudioContext: () =>
        ({
          createMediaStreamDestination: () => ({ stream: new FakeStream([mixTrack]) }),
          createMediaStreamSource: (stream: MediaStream) => ({
            connect: () => connected.push(stream),
          }),
          close: async () => {
            closed = true
          },
        }) as unknown as AudioContext,
      createMediaStream: (tracks) => new FakeStream(tracks as never) as unknown as MediaStream,
      isTypeSupported: (t) => supported.includes(t),
      createRecorder: (stream, mimeType) => {
        const target = new EventTarget() as EventTarget & { state: string }
        const entry = { tracks: stream.getTracks(), mimeType, started: [] as number[] }
        made.push(entry)
        return Object.assign(target, {
          state: 'recording',
          start: (slice: number) => entry.started.push(slice),
          stop: () => {
            target.state = 'inactive'
            const data = Object.assign(new Event('dataavailable'), {
              data: new Blob([new Uint8Array([0x1a, 0x45, 0xdf, 0xa3])]),
            })
            target.dispatchEvent(data)
            target.dispatchEvent(new Event('stop'))
          },
        }) as unknown as MediaRecorder
      },
    }
    return { env, connected, made, mixTrack, closed: () => closed }
  }

  it('records the remote video with both voices mixed, as WebM', async () => {
    const f = fakeEnvironment(['video/webm;codecs=vp8,opus'])
    const local = new FakeStream([new FakeTrack('audio'), new FakeTrack('video')])
    const remoteVideo = new FakeTrack('video')
    const remote = new FakeStream([new FakeTrack('audio'), remoteVideo])
    const recorder = startRecorder(local as never, remote as never, f.env)
    expect(f.connected).toEqual([remote, local])
    expect(f.made[0]).toMatchObject({
      tracks: [f.mixTrack, remoteVideo],
      mimeType: 'video/webm;codecs=vp8,opus',
      started: [1000],
    })
    const blob = await recorder.stop()
    expect(blob.type).toBe('video/webm')
    expect(blob.size).toBe(4)
    expect(f.closed()).toBe(true)
  })

  it('records audio only in an audio call, and refuses where WebM is not supported', () => {
    const f = fakeEnvironment(['audio/webm;codecs=opus'])
    const audio = () => new FakeStream([new FakeTrack('audio')]) as never
    startRecorder(audio(), audio(), f.env)
    expect(f.made[0]?.mimeType).toBe('audio/webm;codecs=opus')
    expect(() => startRecorder(audio(), audio(), fakeEnvironment([]).env)).toThrow(
      RecordingUnsupportedError,
    )
  })
})
