import { vi } from 'vitest'
import { ROUTES, type Call, type User } from 'veracall-signaling/protocol'
import { AppController } from '../../../src/renderer/src/controller/app-controller.js'
import { createLocalPrefsStore } from '../../../src/renderer/src/controller/prefs.js'
import { ringThroughMain } from '../../../src/renderer/src/platform/desktop-ring.js'
import { createMemoryTokenStore, ringFromPage } from '../../../src/renderer/src/platform/web.js'
import type { Platform } from '../../../src/renderer/src/platform/platform.js'
import { createAppStore } from '../../../src/renderer/src/store/index.js'
import type { SocketLike } from '../../../src/renderer/src/signaling/ws-client.js'
import type { VeracallApi } from '../../../src/shared/ipc-contract.js'
import type { DetectionPort } from '../../../src/shared/detection.js'
import type { ReconnectClock } from '../../../src/renderer/src/call/reconnect-watch.js'
import { FakePeerConnection, FakeStream, FakeTrack, settle } from './fake-peer.js'

/** An AppController over faked fetch, sockets, media and (optionally) the desktop API. */
export const me: User = {
  id: '00000000-0000-4000-8000-00000000000a',
  username: 'alice',
  display_name: 'Alice',
}
export const bob: User = {
  id: '00000000-0000-4000-8000-00000000000b',
  username: 'bob',
  display_name: 'Bob',
}
export const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.sig'

export const incomingCall = (extra: Partial<Call> = {}): Call => ({
  id: 7,
  room_id: 'room_0000007x',
  caller_id: bob.id,
  callee_id: me.id,
  caller: bob,
  callee: me,
  call_type: 'video',
  status: 'waiting',
  created_at: '2026-11-25T10:00:00Z',
  ...extra,
})

/** The same call placed by `me`. */
export const outgoingCall = (extra: Partial<Call> = {}): Call =>
  incomingCall({ caller_id: me.id, callee_id: bob.id, caller: me, callee: bob, ...extra })

export class FakeSocket implements SocketLike {
  readyState = 0
  onopen: ((ev: Event) => void) | null = null
  onmessage: ((ev: MessageEvent) => void) | null = null
  onclose: ((ev: CloseEvent) => void) | null = null
  onerror: ((ev: Event) => void) | null = null
  sent: { type: string }[] = []
  constructor(
    readonly url: string,
    readonly protocols: string[] = [],
  ) {
    queueMicrotask(() => {
      this.readyState = 1
      this.onopen?.({} as Event)
    })
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as { type: string })
  }
  close(): void {
    this.readyState = 3
  }
  push(type: string, data: unknown): void {
    this.onmessage?.({
      data: JSON.stringify({ type, call_id: 'x', user_id: bob.id, data, timestamp: 1 }),
    } as MessageEvent)
  }
}

type Answer = { status: number; body: unknown }
/** A route answers at once, or when the test resolves its promise (a server that is slow to answer). */
type Route = (body: unknown, query: URLSearchParams) => Answer | Promise<Answer>

export function routes(extra: Record<string, Route> = {}): Record<string, Route> {
  return {
    [`GET ${ROUTES.health}`]: () => ({
      status: 200,
      body: {
        status: 'ok',
        service: 'veracall-signaling',
        version: '1',
        database: 'ok',
        uptime_s: 1,
      },
    }),
    [`POST ${ROUTES.login}`]: () => ({ status: 200, body: { token: TOKEN, user: me } }),
    [`GET ${ROUTES.history}`]: () => ({
      status: 200,
      body: {
        calls: [],
        page: 1,
        limit: 10,
        total: 0,
        stats: {
          total_calls: 0,
          completed: 0,
          missed: 0,
          declined: 0,
          total_duration_s: 0,
          avg_duration_s: 0,
        },
      },
    }),
    [`GET ${ROUTES.activeCalls}`]: () => ({ status: 200, body: { calls: [] } }),
    [`POST ${ROUTES.acceptCall}`]: () => ({
      status: 200,
      body: { call: incomingCall({ status: 'in_progress', answered_at: '2026-11-25T10:00:05Z' }) },
    }),
    [`POST ${ROUTES.declineCall}`]: () => ({
      status: 200,
      body: { call: incomingCall({ status: 'ended', end_reason: 'declined' }) },
    }),
    [`GET ${ROUTES.users}`]: (_b, q) => ({
      status: 200,
      body: { users: [me, bob].filter((u) => u.username.includes(q.get('query') ?? '')) },
    }),
    ...extra,
  }
}

export function harness(
  desktop: VeracallApi | null,
  table = routes(),
  opts: {
    detection?: DetectionPort
    ring?: Platform['ring']
    reconnectClock?: ReconnectClock
    reconnectCue?: () => void
  } = {},
) {
  const requests: string[] = []
  /** The same requests with what was sent: path, Authorization header and JSON body. */
  const fetches: { path: string; auth: string | null; body: unknown }[] = []
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    const parsed = new URL(url)
    const key = `${init?.method ?? 'GET'} ${parsed.pathname}`
    requests.push(key)
    const body: unknown = init?.body ? JSON.parse(String(init.body)) : undefined
    fetches.push({
      path: parsed.pathname,
      auth: new Headers(init?.headers).get('authorization'),
      body,
    })
    const route = table[key]
    const res = route
      ? await route(body, parsed.searchParams)
      : { status: 404, body: { error: { code: 'not_found', message: key } } }
    return new Response(JSON.stringify(res.body), { status: res.status })
  })
  const tracks: FakeTrack[] = []
  vi.stubGlobal('navigator', {
    mediaDevices: {
      getUserMedia: async (c: MediaStreamConstraints) => {
        const t = [new FakeTrack('audio'), ...(c.video ? [new FakeTrack('video')] : [])]
        tracks.push(...t)
        return new FakeStream(t)
      },
      enumerateDevices: async () => [],
      addEventListener: () => undefined,
    },
  })
  /** Every peer connection the app made, newest last. */
  const peers: FakePeerConnection[] = []
  vi.stubGlobal(
    'RTCPeerConnection',
    class extends FakePeerConnection {
      // The app calls `new RTCPeerConnection(config)`: keep the config where tests read it.
      constructor(config?: RTCConfiguration) {
        super('app', config)
        // A remote offer brings both kinds, as the caller's app sends for a video call.
        this.remoteOfferKinds = ['audio', 'video']
        peers.push(this)
      }
    },
  )
  vi.stubGlobal('MediaStream', FakeStream)
  const sockets: FakeSocket[] = []
  const notifications: string[] = []
  /** Recordings the platform was asked to save. */
  const saved: { recording: Blob; name: string }[] = []
  const rings = { started: 0, stopped: 0 }
  const notify: Platform['notify'] = async (n) => {
    notifications.push(n.body)
    return true
  }
  const base: Platform = {
    kind: desktop ? 'electron' : 'web',
    defaultServerUrl: async () => 'http://localhost:8000',
    tokens: createMemoryTokenStore(),
    prefs: createLocalPrefsStore(null),
    notify,
    // The platforms' own ringing: main's decision in the desktop app, the page's in the web build.
    ring: opts.ring ?? (desktop ? ringThroughMain(desktop) : ringFromPage(notify)),
    detection: opts.detection ?? null,
    openExternal: () => undefined,
    saveRecording: async (recording, name) => {
      saved.push({ recording, name })
      return true
    },
    languages: () => ['en'],
  }
  const platform = desktop ? { ...base, desktop } : base
  const store = createAppStore()
  const controller = new AppController({
    store,
    platform,
    t: (key, vars) => `${key}:${vars?.name ?? ''}`,
    createSocket: (url, protocols) => {
      const s = new FakeSocket(url, protocols)
      sockets.push(s)
      return s
    },
    reconnectClock: opts.reconnectClock,
    reconnectCue: opts.reconnectCue,
    ringtone: () => {
      rings.started++
      return () => {
        rings.stopped++
      }
    },
  })
  const signIn = async (): Promise<void> => {
    await controller.init()
    await controller.signIn({
      mode: 'login',
      serverUrl: 'localhost:8000',
      username: 'alice',
      password: 'pw',
    })
    await settle()
  }
  /** The events socket delivers an incoming call. */
  const ringIn = async (call = incomingCall()): Promise<void> => {
    sockets[0]?.push('incoming_call', { call })
    await settle()
  }
  return {
    controller,
    store,
    platform,
    sockets,
    peers,
    requests,
    fetches,
    tracks,
    notifications,
    saved,
    rings,
    signIn,
    ringIn,
  }
}
