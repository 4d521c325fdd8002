/// <reference lib="dom" />
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CallSession } from '../../../src/renderer/src/call/call-session.js'
import { CallDetection } from '../../../src/renderer/src/call/call-detection.js'
import {
  captureWithDesktopPicker,
  type CaptureScreen,
} from '../../../src/renderer/src/call/screen-capture.js'
import { ScreenShare } from '../../../src/renderer/src/call/screen-share.js'
import { createAppStore, type AppStore } from '../../../src/renderer/src/store/index.js'
import type { VeracallApi } from '../../../src/shared/ipc-contract.js'
import type { DetectionPort } from '../../../src/shared/detection.js'
import type { ScreenSource } from '../../../src/shared/screen-sources.js'
import { FakeStream, FakeTrack, settle } from '../fakes/fake-peer.js'

/** A track that can end on its own, like a capture the OS stops. */
class CaptureTrack extends FakeTrack {
  contentHint = ''
  private listeners = new Set<() => void>()
  addEventListener(_type: 'ended', l: () => void): void {
    this.listeners.add(l)
  }
  removeEventListener(_type: 'ended', l: () => void): void {
    this.listeners.delete(l)
  }
  endFromOutside(): void {
    this.readyState = 'ended'
    for (const l of this.listeners) l()
  }
}

/** The slice of CallSession a screen share uses, recording the order of what it was asked. */
function fakeSession(stream: FakeStream) {
  const log: string[] = []
  const session = {
    isClosed: false,
    localStream: stream,
    setScreenSharing: (on: boolean) => void log.push(`announce ${on}`),
    replaceTrack: async (kind: string, track: FakeTrack | null) => {
      log.push(`replace ${kind} ${track?.id ?? 'null'}`)
      for (const old of stream.getVideoTracks()) {
        if (old === track) continue
        stream.removeTrack(old)
        old.stop()
      }
      if (track) stream.addTrack(track)
    },
  }
  return { session: session as unknown as CallSession, log, raw: session }
}

function setup(opts: { cameraOn?: boolean; capture?: CaptureScreen } = {}) {
  const store: AppStore = createAppStore()
  store.setState({ phase: 'active', callType: 'video', cameraEnabled: opts.cameraOn ?? true })
  store.getState().selectDevice('camera', 'cam-2')
  const camera = new FakeTrack('video')
  const stream = new FakeStream([new FakeTrack('audio'), camera])
  const { session, log, raw } = fakeSession(stream)
  const screen = new CaptureTrack('video')
  const reopened: (string | null)[] = []
  const share = new ScreenShare({
    store,
    session: () => session,
    capture: opts.capture ?? (async () => screen as unknown as MediaStreamTrack),
    openCamera: async (id) => {
      reopened.push(id)
      const t = new FakeTrack('video')
      return t as unknown as MediaStreamTrack
    },
  })
  return { store, share, stream, camera, screen, log, reopened, raw }
}

beforeEach(() => {
  vi.stubGlobal('MediaStream', FakeStream)
})
afterEach(() => {
  vi.unstubAllGlobals()
})

describe('screen share (renderer)', () => {
  it('replaces the camera with the screen, announcing first, and brings the camera back on Stop', async () => {
    const { store, share, stream, camera, screen, log, reopened } = setup()
    await share.start()
    expect(log).toEqual(['announce true', `replace video ${screen.id}`])
    expect(camera.readyState).toBe('ended')
    expect(screen.contentHint).toBe('detail')
    expect(store.getState().screenSharing).toBe(true)
    expect(store.getState().localStream?.getVideoTracks()).toEqual([screen])
    // A second start while sharing does nothing.
    await share.start()
    expect(log.length).toBe(2)

    await share.toggle()
    expect(reopened).toEqual(['cam-2'])
    const back = stream.getVideoTracks()[0]
    expect(log.slice(2)).toEqual([`replace video ${back?.id}`, 'announce false'])
    expect(screen.readyState).toBe('ended')
    expect(store.getState().screenSharing).toBe(false)
    expect(store.getState().cameraEnabled).toBe(true)
  })

  it('leaves the camera off after Stop when it was off before sharing', async () => {
    const { store, share, log, reopened, screen } = setup({ cameraOn: false })
    await share.start()
    await share.stop()
    expect(reopened).toEqual([])
    expect(log).toEqual([
      'announce true',
      `replace video ${screen.id}`,
      'replace video null',
      'announce false',
    ])
    expect(store.getState().cameraEnabled).toBe(false)
  })

  it('stops by itself when the capture ends outside the app (the OS "stop sharing")', async () => {
    const { store, share, screen, reopened } = setup()
    await share.start()
    screen.endFromOutside()
    await settle()
    expect(store.getState().screenSharing).toBe(false)
    expect(reopened).toEqual(['cam-2'])
  })

  it('a cancelled browser picker is silent; another failure shows an error; no call, no share', async () => {
    const denied = Object.assign(new Error('cancelled'), { name: 'NotAllowedError' })
    const a = setup({ capture: async () => Promise.reject(denied) })
    await a.share.start()
    expect(a.store.getState().deviceError).toBeNull()
    expect(a.log).toEqual([])
    const broken = Object.assign(new Error('no source'), { name: 'NotReadableError' })
    const b = setup({ capture: async () => Promise.reject(broken) })
    await b.share.start()
    expect(b.store.getState().deviceError).toEqual({ action: 'screen', reason: 'busy' })
    const c = setup()
    c.store.setState({ callType: 'audio' })
    await c.share.start()
    expect(c.log).toEqual([])
  })

  it('a screen picked after the call ended is stopped, not sent', async () => {
    const { share, screen, log, raw } = setup({
      capture: async () => {
        raw.isClosed = true
        return screen as unknown as MediaStreamTrack
      },
    })
    await share.start()
    expect(screen.readyState).toBe('ended')
    expect(log).toEqual([])
  })
})

describe("the desktop app's source picker (renderer side)", () => {
  const sources: ScreenSource[] = [
    { id: 'screen:0:0', kind: 'screen', name: 'Entire screen', thumbnail: new Uint8Array(4) },
    { id: 'window:42:0', kind: 'window', name: 'Notes', thumbnail: new Uint8Array(0) },
  ]
  function desktop() {
    const chosen: (string | null)[] = []
    const api = {
      screenListSources: async () => ({ ok: true as const, value: sources }),
      screenChooseSource: async (id: string | null) => {
        chosen.push(id)
        return { ok: true as const, value: null }
      },
    } as unknown as VeracallApi
    const displayTrack = new CaptureTrack('video')
    const asked: unknown[] = []
    vi.stubGlobal('navigator', {
      mediaDevices: {
        getDisplayMedia: async (c: unknown) => {
          asked.push(c)
          return new FakeStream([displayTrack])
        },
      },
    })
    return { api, chosen, asked, displayTrack }
  }

  it('lists, shows the picker, tells main the pick, then asks getDisplayMedia', async () => {
    const { api, chosen, asked, displayTrack } = desktop()
    const { store, share, log } = setup({ capture: captureWithDesktopPicker(api) })
    const started = share.start()
    await settle()
    expect(store.getState().screenPicker).toEqual(sources)
    share.pick('window:42:0')
    await started
    expect(chosen).toEqual(['window:42:0'])
    expect(asked).toHaveLength(1)
    expect(store.getState().screenPicker).toBeNull()
    expect(log).toEqual(['announce true', `replace video ${displayTrack.id}`])
  })

  it('Cancel tells main and shares nothing; the call ending closes an open picker', async () => {
    const { api, chosen, asked } = desktop()
    const { store, share, log } = setup({ capture: captureWithDesktopPicker(api) })
    const started = share.start()
    await settle()
    share.pick(null)
    await started
    expect([chosen, asked, log]).toEqual([[null], [], []])

    const again = share.start()
    await settle()
    expect(store.getState().screenPicker).not.toBeNull()
    share.reset()
    await again
    expect(store.getState().screenPicker).toBeNull()
    expect(chosen).toEqual([null, null])
    expect(asked).toEqual([])
  })
})

describe('face check while the other side shares a screen', () => {
  it('pauses the sampler (no frames, no Verify), shows the pause, and resumes on the camera', async () => {
    const store = createAppStore()
    const calls: string[] = []
    const port: DetectionPort = {
      status: async () => ({ available: true, model: { name: 'm', version: '1' }, fps: 5 }),
      startSession: async (id) => void calls.push(`start ${id}`),
      submitFrame: async () => undefined,
      endSession: async (id) => {
        calls.push(`end ${id}`)
        return null
      },
      verify: async (id) => void calls.push(`verify ${id}`),
      onRisk: () => () => undefined,
    }
    const samplers: { stopped: boolean }[] = []
    const d = new CallDetection({
      store,
      port,
      sendChallenge: () => true,
      sessionNumber: () => 7,
      startSampler: () => {
        const s = { stopped: false }
        samplers.push(s)
        return { stop: () => void (s.stopped = true) }
      },
    })
    d.begin(7)
    d.connect('bob', 'Bob')
    d.setVideo('bob', {} as HTMLVideoElement)
    await settle()
    expect(samplers.map((s) => s.stopped)).toEqual([false])

    d.setRemoteScreen('bob', true)
    expect(samplers.map((s) => s.stopped)).toEqual([true])
    expect(store.getState().risk.peers.bob?.screenShare).toBe(true)
    // The remote <video> re-binding while paused starts nothing; nor does Verify.
    d.setVideo('bob', {} as HTMLVideoElement)
    d.verify('bob')
    expect(samplers).toHaveLength(1)
    // The session stays open: no report is cut in two, nothing is recorded meanwhile.
    expect(calls).toEqual(['start 7'])

    d.setRemoteScreen('bob', false)
    expect(samplers.map((s) => s.stopped)).toEqual([true, false])
    expect(store.getState().risk.peers.bob?.screenShare).toBe(false)
    d.finish()
    expect(store.getState().risk.peers).toEqual({})
  })
})
