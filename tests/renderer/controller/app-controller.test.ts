import { afterEach, describe, expect, it, vi } from 'vitest'
import { ROUTES } from 'veracall-signaling/protocol'
import type { PeerMesh } from '../../../src/renderer/src/call/peer-mesh.js'
import { MIN_SEARCH_LENGTH } from '../../../src/renderer/src/controller/search-query.js'
import { createI18n } from '../../../src/renderer/src/i18n/index.js'
import { FakeStream, FakeTrack, settle } from '../fakes/fake-peer.js'
import {
  bob,
  harness,
  incomingCall,
  me,
  outgoingCall,
  routes,
  TOKEN,
} from '../fakes/controller-harness.js'

afterEach(() => {
  vi.unstubAllGlobals()
})

/** A web client (no desktop API) whose calls/start succeeds with outgoingCall(). */
const callerHarness = () =>
  harness(
    null,
    routes({
      [`POST ${ROUTES.startCall}`]: () => ({ status: 201, body: { call: outgoingCall() } }),
    }),
  )

/**
 * getUserMedia that stays pending until the test grants it: a camera still opening. `opened` counts
 * the devices asked for.
 */
function openingCamera(): { grant: (stream: FakeStream) => void; opened: () => number } {
  let pending: ((stream: FakeStream) => void)[] = []
  let opened = 0
  navigator.mediaDevices.getUserMedia = () =>
    new Promise((resolve) => {
      opened++
      pending.push((stream) => resolve(stream as unknown as MediaStream))
    })
  return {
    grant: (stream) => {
      const next = pending.pop()
      pending = []
      next?.(stream)
    },
    opened: () => opened,
  }
}

describe('AppController', () => {
  it('refuses a server that is not Veracall, and keeps no token', async () => {
    const ctx = harness(null, {
      [`GET ${ROUTES.health}`]: () => ({ status: 200, body: { hello: 'world' } }),
    })
    await ctx.controller.init()
    await ctx.controller.signIn({
      mode: 'login',
      serverUrl: 'example.org',
      username: 'a',
      password: 'b',
    })
    expect(ctx.store.getState()).toMatchObject({
      authStatus: 'signed_out',
      authError: { code: 'not_veracall' },
    })
    expect(await ctx.platform.tokens.get()).toBeNull()
    expect(ctx.fetches.map((r) => r.path)).toEqual([ROUTES.health])
  })

  it('refuses a username in another script for its characters, not its length, before asking', async () => {
    for (const [username, code] of [
      ['José', 'username_chars'],
      ['李雷', 'username_chars'],
      ['ab', 'username_length'],
      ['a'.repeat(33), 'username_length'],
    ] as const) {
      const ctx = harness(null)
      await ctx.controller.init()
      await ctx.controller.signIn({
        mode: 'register',
        serverUrl: 'localhost:8000',
        username,
        password: 'long enough password',
      })
      expect(ctx.store.getState().authError?.code, username).toBe(code)
      expect(ctx.fetches, username).toEqual([])
    }
  })

  it('signs in, keeps the token in the platform store and opens the events socket with it', async () => {
    const ctx = harness(null)
    await ctx.signIn()
    expect(ctx.store.getState()).toMatchObject({
      authStatus: 'signed_in',
      user: me,
      serverUrl: 'http://localhost:8000',
    })
    expect(await ctx.platform.tokens.get()).toBe(TOKEN)
    expect(ctx.sockets[0]?.url).toBe('ws://localhost:8000/ws/events')
    expect(ctx.sockets[0]?.protocols).toEqual(['veracall.v1', `bearer.${TOKEN}`])
    expect(ctx.fetches.find((r) => r.path === ROUTES.history)?.auth).toBe(`Bearer ${TOKEN}`)
  })

  it('rings for an incoming call and shows it as missed when it ends unanswered', async () => {
    const ctx = harness(null)
    await ctx.signIn()
    const incoming = incomingCall()
    ctx.sockets[0]?.push('incoming_call', { call: incoming })
    await settle()
    expect(ctx.store.getState()).toMatchObject({ phase: 'incoming', peer: bob, callType: 'video' })
    ctx.sockets[0]?.push('call_ended', {
      call: { ...incoming, status: 'ended', end_reason: 'missed' },
    })
    await settle()
    expect(ctx.store.getState()).toMatchObject({
      phase: 'idle',
      notice: { kind: 'missed', peerNames: ['Bob'] },
    })
    expect(ctx.notifications).toEqual(['notify.incomingVideo:Bob', 'notify.missedBody:Bob'])
  })

  it('says a call the caller cancelled was cancelled, as history does, not missed', async () => {
    const ctx = harness(null)
    await ctx.signIn()
    const incoming = incomingCall()
    ctx.sockets[0]?.push('incoming_call', { call: incoming })
    await settle()
    ctx.sockets[0]?.push('call_ended', {
      call: { ...incoming, status: 'ended', end_reason: 'cancelled' },
    })
    await settle()
    expect(ctx.store.getState()).toMatchObject({
      phase: 'idle',
      notice: { kind: 'cancelledByCaller', peerNames: ['Bob'] },
    })
    expect(ctx.notifications).toEqual(['notify.incomingVideo:Bob', 'notify.cancelledBody:Bob'])
  })

  it('places a call, joins its room, and on decline stops every local track', async () => {
    const ctx = callerHarness()
    await ctx.signIn()
    await ctx.controller.call.startCall(bob, 'video')
    await settle()
    expect(ctx.store.getState()).toMatchObject({ phase: 'outgoing', call: { id: 7 } })
    expect(ctx.fetches.find((r) => r.path === ROUTES.startCall)?.body).toEqual({
      callee_id: bob.id,
      call_type: 'video',
    })
    const room = ctx.sockets[1]
    expect(room?.url).toBe('ws://localhost:8000/ws/call/room_0000007x')
    expect(room?.sent[0]?.type).toBe('join')
    expect(ctx.tracks.map((t) => t.readyState)).toEqual(['live', 'live'])
    ctx.sockets[0]?.push('call_declined', {
      call: outgoingCall({ status: 'ended', end_reason: 'declined' }),
    })
    await settle()
    expect(ctx.store.getState()).toMatchObject({ phase: 'idle', notice: { kind: 'declined' } })
    expect(ctx.tracks.map((t) => t.readyState)).toEqual(['ended', 'ended'])
    expect(room?.readyState).toBe(3)
  })

  it("makes the caller's offer while the camera opens and calls/start is in flight, and sends it once the callee joins", async () => {
    const ctx = callerHarness()
    let answerStart: () => void = () => undefined
    const startAnswered = new Promise<void>((resolve) => {
      answerStart = resolve
    })
    let startAsked = false
    const fetchFake = globalThis.fetch
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      if (new URL(url).pathname === ROUTES.startCall) {
        startAsked = true
        await startAnswered
      }
      return fetchFake(url, init)
    })
    await ctx.signIn()
    const camera = openingCamera()
    const placing = ctx.controller.call.startCall(bob, 'video')
    await settle()
    // Before the camera: an offer with a send-receive transceiver per kind.
    const pc = ctx.peers.at(-1)
    expect(pc?.localDescription?.type).toBe('offer')
    expect(pc?.getTransceivers().map((t) => [t.direction, t.sender.track])).toEqual([
      ['sendrecv', null],
      ['sendrecv', null],
    ])
    const tracks = [new FakeTrack('audio'), new FakeTrack('video')]
    camera.grant(new FakeStream(tracks))
    await settle()
    // The camera's tracks are on it while calls/start is still in flight; no room yet.
    expect(pc?.getSenders().map((s) => s.track)).toEqual(tracks)
    expect(startAsked).toBe(true)
    expect(ctx.sockets).toHaveLength(1)
    answerStart()
    await placing
    await settle()
    const room = ctx.sockets[1]
    expect(room?.sent.map((m) => m.type)).toEqual(['join'])
    room?.push('peer_joined', { user_id: bob.id })
    await settle()
    expect(room?.sent.map((m) => m.type)).toContain('offer')
    expect(ctx.peers).toHaveLength(1)
    // The early connection is the call's connection to Bob (the mesh adopted it).
    expect((ctx.controller.call.session as PeerMesh | null)?.get(bob.id)?.pc).toBe(pc)
    expect(ctx.store.getState()).toMatchObject({ phase: 'outgoing', callError: null })
  })

  it('keeps Mute pressed while the camera opens: the microphone comes up muted and the callee is told', async () => {
    const ctx = callerHarness()
    await ctx.signIn()
    const camera = openingCamera()
    const placing = ctx.controller.call.startCall(bob, 'video')
    await settle()
    ctx.controller.devices.toggleMicrophone()
    expect(ctx.store.getState().micEnabled).toBe(false)
    const mic = new FakeTrack('audio')
    camera.grant(new FakeStream([mic, new FakeTrack('video')]))
    await placing
    await settle()
    expect(mic.enabled).toBe(false)
    const room = ctx.sockets[1]
    room?.push('peer_joined', { user_id: bob.id })
    await settle()
    const states = room?.sent
      .filter((m) => m.type === 'media_state')
      .map((m) => (m as { data?: unknown }).data)
    expect(states?.at(-1)).toMatchObject({ audio: false, video: true })
  })

  it('leaves the devices as they are when one is picked while the call is being set up', async () => {
    const ctx = callerHarness()
    await ctx.signIn()
    const camera = openingCamera()
    const placing = ctx.controller.call.startCall(bob, 'video')
    await settle()
    await ctx.controller.devices.switchDevice('camera', 'cam2')
    // Nothing opened for it, and the picker still names the camera that is opening.
    expect(camera.opened()).toBe(1)
    expect(ctx.store.getState()).toMatchObject({ cameraId: null, deviceError: null })
    camera.grant(new FakeStream([new FakeTrack('audio'), new FakeTrack('video')]))
    await placing
    await settle()
    expect(ctx.store.getState().phase).toBe('outgoing')
  })

  it('closes the early connection when the camera fails, and places no call', async () => {
    const ctx = callerHarness()
    await ctx.signIn()
    navigator.mediaDevices.getUserMedia = async () => {
      throw new DOMException('denied', 'NotAllowedError')
    }
    await ctx.controller.call.startCall(bob, 'video')
    await settle()
    expect(ctx.requests).not.toContain(`POST ${ROUTES.startCall}`)
    expect(ctx.peers.every((p) => p.closed)).toBe(true)
    expect(ctx.store.getState()).toMatchObject({ phase: 'idle', callError: 'media' })
  })

  it('stops a camera that finishes opening after the call ended, and reports no error', async () => {
    const ctx = callerHarness()
    await ctx.signIn()
    await ctx.controller.call.startCall(bob, 'video')
    await settle()
    await ctx.controller.devices.toggleCamera()
    expect(ctx.store.getState().cameraEnabled).toBe(false)
    // The camera is slow to open again; the person cancels the call meanwhile.
    const camera = openingCamera()
    const reopening = ctx.controller.devices.toggleCamera()
    await ctx.controller.call.hangUp()
    const late = new FakeTrack('video')
    camera.grant(new FakeStream([late]))
    await reopening
    expect(late.readyState).toBe('ended')
    expect(ctx.store.getState()).toMatchObject({
      phase: 'idle',
      callError: null,
      localStream: null,
    })
  })

  it('accepts once when Accept is pressed again while the camera opens', async () => {
    // The server answers a second accept with 409, which used to end the call.
    let accepts = 0
    const ctx = harness(
      null,
      routes({
        [`POST ${ROUTES.acceptCall}`]: () =>
          ++accepts === 1
            ? { status: 200, body: { call: incomingCall({ status: 'in_progress' }) } }
            : { status: 409, body: { error: { code: 'conflict', message: 'already answered' } } },
      }),
    )
    await ctx.signIn()
    await ctx.ringIn()
    const first = ctx.controller.call.accept()
    expect(ctx.store.getState().accepting).toBe(true)
    const second = ctx.controller.call.accept()
    await Promise.all([first, second])
    await settle()
    expect(accepts).toBe(1)
    expect(ctx.requests.filter((r) => r === `POST ${ROUTES.acceptCall}`)).toHaveLength(1)
    expect(ctx.store.getState()).toMatchObject({
      phase: 'connecting',
      accepting: false,
      callError: null,
    })
    expect(ctx.tracks.map((t) => t.readyState)).toEqual(['live', 'live'])
  })

  it('sends no accept when the call is declined while the camera opens', async () => {
    const ctx = harness(null)
    await ctx.signIn()
    await ctx.ringIn()
    const accepting = ctx.controller.call.accept()
    await ctx.controller.call.decline()
    await accepting
    await settle()
    expect(ctx.requests).not.toContain(`POST ${ROUTES.acceptCall}`)
    expect(ctx.store.getState()).toMatchObject({ phase: 'idle', localStream: null })
    expect(ctx.tracks.map((t) => t.readyState)).toEqual(['ended', 'ended'])
  })

  it('joins the room on Accept while the camera opens, and answers the offer that waited', async () => {
    const ctx = harness(null)
    // The server's answer to the accept waits until the test lets it through (stubbed before
    // sign-in: the API client keeps the fetch it was made with).
    let letAcceptThrough: () => void = () => undefined
    const acceptAnswered = new Promise<void>((resolve) => {
      letAcceptThrough = resolve
    })
    let acceptAsked = false
    const fetchFake = globalThis.fetch
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      if (new URL(url).pathname === ROUTES.acceptCall) {
        acceptAsked = true
        await acceptAnswered
      }
      return fetchFake(url, init)
    })
    await ctx.signIn()
    await ctx.ringIn()
    const camera = openingCamera()
    const accepting = ctx.controller.call.accept()
    await settle()
    // The camera has not opened yet, and the room socket is already open and joined.
    const room = ctx.sockets[1]
    expect(room?.url).toBe('ws://localhost:8000/ws/call/room_0000007x')
    expect(room?.readyState).toBe(1)
    expect(room?.sent.map((m) => m.type)).toEqual(['join'])
    expect(acceptAsked).toBe(false)
    // The caller's offer, held for us until we joined, arrives before the session exists.
    room?.push('peer_joined', { user_id: bob.id })
    room?.push('offer', { type: 'offer', sdp: 'caller-offer-1' })
    camera.grant(new FakeStream([new FakeTrack('audio'), new FakeTrack('video')]))
    await settle()
    // The answer is made while the accept is in flight, and sent only once the server said yes.
    expect(acceptAsked).toBe(true)
    expect(room?.sent.map((m) => m.type)).toEqual(['join'])
    letAcceptThrough()
    await accepting
    await settle()
    const sent = room?.sent.map((m) => m.type) ?? []
    expect(sent).toContain('answer')
    expect(sent).not.toContain('offer')
    expect(ctx.store.getState()).toMatchObject({ phase: 'active', callError: null })
  })

  it("makes its answer to the caller's offer while its camera is still opening", async () => {
    const ctx = harness(null)
    await ctx.signIn()
    await ctx.ringIn()
    const camera = openingCamera()
    const accepting = ctx.controller.call.accept()
    await settle()
    const room = ctx.sockets[1]
    room?.push('peer_joined', { user_id: bob.id })
    room?.push('offer', { type: 'offer', sdp: 'caller-offer-1' })
    await settle()
    // No camera yet, and the answer is made, send-receive for both kinds; it is sent once the
    // camera opened and the accept went through.
    const pc = ctx.peers.at(-1)
    expect(pc?.localDescription?.type).toBe('answer')
    expect(pc?.getTransceivers().map((t) => [t.direction, t.sender.track])).toEqual([
      ['sendrecv', null],
      ['sendrecv', null],
    ])
    expect(room?.sent.map((m) => m.type)).toEqual(['join'])
    expect(ctx.requests).not.toContain(`POST ${ROUTES.acceptCall}`)
    const tracks = [new FakeTrack('audio'), new FakeTrack('video')]
    camera.grant(new FakeStream(tracks))
    await accepting
    await settle()
    expect(pc?.getSenders().map((s) => s.track)).toEqual(tracks)
    const sent = room?.sent.map((m) => m.type) ?? []
    expect(sent).toContain('answer')
    expect(sent).not.toContain('offer')
    expect(ctx.store.getState()).toMatchObject({ phase: 'active', callError: null })
  })

  it('closes the room socket it opened on Accept when the call is declined while the camera opens', async () => {
    const ctx = harness(null)
    await ctx.signIn()
    await ctx.ringIn()
    const accepting = ctx.controller.call.accept()
    await ctx.controller.call.decline()
    await accepting
    await settle()
    expect(ctx.sockets[1]?.readyState).toBe(3)
    expect(ctx.controller.call.roomSocket).toBeNull()
  })

  it('places no call when it is cancelled while the camera opens', async () => {
    const ctx = callerHarness()
    await ctx.signIn()
    const placing = ctx.controller.call.startCall(bob, 'video')
    await ctx.controller.call.hangUp()
    await placing
    await settle()
    // The callee would have rung and both histories gained a call.
    expect(ctx.requests).not.toContain(`POST ${ROUTES.startCall}`)
    expect(ctx.store.getState()).toMatchObject({
      phase: 'idle',
      localStream: null,
      notice: { kind: 'cancelled' },
    })
    expect(ctx.tracks.map((t) => t.readyState)).toEqual(['ended', 'ended'])
  })

  it('keeps a mid-call device choice only once the switch worked, and reports a failure', async () => {
    const ctx = callerHarness()
    await ctx.signIn()
    await ctx.controller.call.startCall(bob, 'video')
    await settle()
    const open = navigator.mediaDevices.getUserMedia
    navigator.mediaDevices.getUserMedia = async () => {
      throw new DOMException('in use', 'NotReadableError')
    }
    await ctx.controller.devices.switchDevice('camera', 'cam2')
    expect(ctx.store.getState()).toMatchObject({
      cameraId: null,
      deviceError: { action: 'camera', reason: 'busy' },
    })
    ctx.controller.devices.setRemoteMediaElement({
      setSinkId: async () => {
        throw new DOMException('gone', 'NotFoundError')
      },
    } as unknown as HTMLMediaElement)
    await ctx.controller.devices.switchDevice('speaker', 'spk2')
    expect(ctx.store.getState()).toMatchObject({
      speakerId: null,
      deviceError: { action: 'speaker', reason: 'missing' },
    })
    navigator.mediaDevices.getUserMedia = open
    await ctx.controller.devices.switchDevice('microphone', 'mic2')
    expect(ctx.store.getState()).toMatchObject({ microphoneId: 'mic2', deviceError: null })
  })

  it('keeps the code of a failed history or search request, for the screens to translate', async () => {
    const unavailable = (): { status: number; body: unknown } => ({
      status: 503,
      body: { error: { code: 'service_unavailable', message: 'Database unavailable' } },
    })
    const ctx = harness(
      null,
      routes({ [`GET ${ROUTES.history}`]: unavailable, [`GET ${ROUTES.users}`]: unavailable }),
    )
    await ctx.signIn()
    await ctx.controller.search('bo')
    const error = { code: 'service_unavailable', message: 'Database unavailable' }
    expect(ctx.store.getState()).toMatchObject({ historyError: error, searchError: error })
  })

  it('searches only once enough characters are typed, so nobody is listed before', async () => {
    const ctx = harness(null)
    await ctx.signIn()
    const searches = () => ctx.fetches.filter((f) => f.path === ROUTES.users).length
    for (const query of ['', '  ', 'b', ' b ']) {
      await ctx.controller.search(query)
      expect(ctx.store.getState(), JSON.stringify(query)).toMatchObject({
        query,
        results: [],
        searching: false,
        searchError: null,
      })
    }
    expect(searches()).toBe(0)
    await ctx.controller.search('bo')
    expect(searches()).toBe(1)
    expect(ctx.store.getState().results).toEqual([bob])
    // Back under the minimum: the earlier results go, without asking the server.
    await ctx.controller.search('b')
    expect(ctx.store.getState().results).toEqual([])
    expect(searches()).toBe(1)
  })

  it('words the hint to type more, in both languages', () => {
    for (const language of ['en', 'zh-CN'] as const) {
      const { t } = createI18n(language)
      const hint = t('home.searchHint', { min: MIN_SEARCH_LENGTH })
      expect(hint, language).toContain(String(MIN_SEARCH_LENGTH))
      expect(hint, language).not.toContain('{{')
    }
    expect(createI18n('zh-CN').t('home.searchHint', { min: 2 })).toMatch(/[\u4e00-\u9fff]/)
  })

  it('rings for a call that started while the events socket was down', async () => {
    const waiting = incomingCall()
    const ctx = harness(
      null,
      routes({
        [`GET ${ROUTES.activeCalls}`]: () => ({ status: 200, body: { calls: [waiting] } }),
      }),
    )
    await ctx.signIn()
    expect(ctx.store.getState()).toMatchObject({ phase: 'incoming', call: { id: 7 } })
  })
})
