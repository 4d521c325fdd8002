/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Call, User } from 'veracall-signaling/protocol'
import { AppController } from '../../src/renderer/src/controller/app-controller.js'
import { createMemoryTokenStore } from '../../src/renderer/src/platform/web.js'
import type { Platform } from '../../src/renderer/src/platform/platform.js'
import { createAppStore } from '../../src/renderer/src/store/index.js'
import type { SocketLike } from '../../src/renderer/src/signaling/ws-client.js'
import { FakePeerConnection, FakeStream, FakeTrack, settle } from './fakes/fake-peer.js'

const me: User = {
  id: '00000000-0000-4000-8000-00000000000a',
  username: 'alice',
  display_name: 'Alice',
}
const bob: User = {
  id: '00000000-0000-4000-8000-00000000000b',
  username: 'bob',
  display_name: 'Bob',
}
const HEALTH = {
  status: 'ok',
  service: 'veracall-signaling',
  version: '1',
  database: 'ok',
  uptime_s: 1,
}
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.sig'

const call = (extra: Partial<Call> = {}): Call => ({
  id: 7,
  room_id: 'room_0000007x',
  caller_id: me.id,
  callee_id: bob.id,
  caller: me,
  callee: bob,
  call_type: 'video',
  status: 'waiting',
  created_at: '2026-11-25T10:00:00Z',
  ...extra,
})

class Socket implements SocketLike {
  readyState = 0
  onopen: ((ev: Event) => void) | null = null
  onmessage: ((ev: MessageEvent) => void) | null = null
  onclose: ((ev: CloseEvent) => void) | null = null
  onerror: ((ev: Event) => void) | null = null
  sent: { type: string }[] = []
  constructor(
    readonly url: string,
    readonly protocols: string[],
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

type Route = (body: unknown) => { status: number; body: unknown }

function setup(routes: Record<string, Route>) {
  const requests: { path: string; auth: string | null; body: unknown }[] = []
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    const path = new URL(url).pathname
    const body: unknown = init?.body ? JSON.parse(String(init.body)) : undefined
    requests.push({ path, auth: new Headers(init?.headers).get('authorization'), body })
    const route = routes[`${init?.method ?? 'GET'} ${path}`]
    const res = route
      ? route(body)
      : { status: 404, body: { error: { code: 'not_found', message: path } } }
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
  vi.stubGlobal('RTCPeerConnection', FakePeerConnection)
  vi.stubGlobal('MediaStream', FakeStream)
  const sockets: Socket[] = []
  const notifications: string[] = []
  const platform: Platform = {
    kind: 'web',
    defaultServerUrl: async () => 'http://localhost:8000',
    tokens: createMemoryTokenStore(),
    notify: async (n) => {
      notifications.push(n.body)
      return true
    },
    detection: null,
    openExternal: () => undefined,
    languages: () => ['en'],
  }
  const store = createAppStore()
  const controller = new AppController({
    store,
    platform,
    t: (key, vars) => `${key}:${vars?.name ?? ''}`,
    storage: null,
    createSocket: (url, protocols) => {
      const s = new Socket(url, protocols)
      sockets.push(s)
      return s
    },
  })
  return { controller, store, platform, sockets, requests, tracks, notifications }
}

const signedInRoutes = (extra: Record<string, Route> = {}): Record<string, Route> => ({
  'GET /health': () => ({ status: 200, body: HEALTH }),
  'POST /api/v1/auth/login': () => ({ status: 200, body: { token: TOKEN, user: me } }),
  'GET /api/v1/calls/history': () => ({
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
  'GET /api/v1/calls/active': () => ({ status: 200, body: { calls: [] } }),
  ...extra,
})

async function signIn(ctx: ReturnType<typeof setup>): Promise<void> {
  await ctx.controller.init()
  await ctx.controller.signIn({
    mode: 'login',
    serverUrl: 'localhost:8000',
    username: 'alice',
    password: 'pw',
  })
  await settle()
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('AppController', () => {
  it('refuses a server that is not Veracall, and keeps no token', async () => {
    const ctx = setup({ 'GET /health': () => ({ status: 200, body: { hello: 'world' } }) })
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
    expect(ctx.requests.map((r) => r.path)).toEqual(['/health'])
  })

  it('signs in, keeps the token in the platform store and opens the events socket with it', async () => {
    const ctx = setup(signedInRoutes())
    await signIn(ctx)
    expect(ctx.store.getState()).toMatchObject({
      authStatus: 'signed_in',
      user: me,
      serverUrl: 'http://localhost:8000',
    })
    expect(await ctx.platform.tokens.get()).toBe(TOKEN)
    expect(ctx.sockets[0]?.url).toBe('ws://localhost:8000/ws/events')
    expect(ctx.sockets[0]?.protocols).toEqual(['veracall.v1', `bearer.${TOKEN}`])
    expect(ctx.requests.find((r) => r.path === '/api/v1/calls/history')?.auth).toBe(
      `Bearer ${TOKEN}`,
    )
  })

  it('rings for an incoming call and shows it as missed when it ends unanswered', async () => {
    const ctx = setup(signedInRoutes())
    await signIn(ctx)
    const incoming = call({ caller_id: bob.id, callee_id: me.id, caller: bob, callee: me })
    ctx.sockets[0]?.push('incoming_call', { call: incoming })
    await settle()
    expect(ctx.store.getState()).toMatchObject({ phase: 'incoming', peer: bob, callType: 'video' })
    ctx.sockets[0]?.push('call_ended', {
      call: { ...incoming, status: 'ended', end_reason: 'missed' },
    })
    await settle()
    expect(ctx.store.getState()).toMatchObject({
      phase: 'idle',
      notice: { kind: 'missed', peerName: 'Bob' },
    })
    expect(ctx.notifications).toEqual(['notify.incomingVideo:Bob', 'notify.missedBody:Bob'])
  })

  it('places a call, joins its room, and on decline stops every local track', async () => {
    const ctx = setup(
      signedInRoutes({
        'POST /api/v1/calls/start': () => ({ status: 201, body: { call: call() } }),
      }),
    )
    await signIn(ctx)
    await ctx.controller.startCall(bob, 'video')
    await settle()
    expect(ctx.store.getState()).toMatchObject({ phase: 'outgoing', call: { id: 7 } })
    expect(ctx.requests.find((r) => r.path === '/api/v1/calls/start')?.body).toEqual({
      callee_id: bob.id,
      call_type: 'video',
    })
    const room = ctx.sockets[1]
    expect(room?.url).toBe('ws://localhost:8000/ws/call/room_0000007x')
    expect(room?.sent[0]?.type).toBe('join')
    expect(ctx.tracks.map((t) => t.readyState)).toEqual(['live', 'live'])
    ctx.sockets[0]?.push('call_declined', {
      call: call({ status: 'ended', end_reason: 'declined' }),
    })
    await settle()
    expect(ctx.store.getState()).toMatchObject({ phase: 'idle', notice: { kind: 'declined' } })
    expect(ctx.tracks.map((t) => t.readyState)).toEqual(['ended', 'ended'])
    expect(room?.readyState).toBe(3)
  })

  it('rings for a call that started while the events socket was down', async () => {
    const waiting = call({ caller_id: bob.id, callee_id: me.id, caller: bob, callee: me })
    const ctx = setup(
      signedInRoutes({
        'GET /api/v1/calls/active': () => ({ status: 200, body: { calls: [waiting] } }),
      }),
    )
    await signIn(ctx)
    expect(ctx.store.getState()).toMatchObject({ phase: 'incoming', call: { id: 7 } })
  })
})
