/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ROUTES } from 'veracall-signaling/protocol'
import { fetchCallTurnServers } from '../../../src/renderer/src/call/turn-credentials.js'
import { ApiClient } from '../../../src/renderer/src/signaling/api-client.js'
import { settle } from '../fakes/fake-peer.js'
import { bob, harness, outgoingCall, routes, TOKEN } from '../fakes/controller-harness.js'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

const TURN = {
  urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
  username: '1790000000:00000000-0000-4000-8000-00000000000a',
  credential: 'c2VjcmV0LWhtYWMtYmFzZTY0PQ==',
}
const turnRoute = (status: number, body: unknown) => ({
  [`GET ${ROUTES.turnCredentials}`]: () => ({ status, body }),
})
const credentials = turnRoute(200, { ice_servers: [TURN], ttl_s: 3600 })
const startRoute = {
  [`POST ${ROUTES.startCall}`]: () => ({ status: 201, body: { call: outgoingCall() } }),
}
const iceServers = (ctx: ReturnType<typeof harness>): RTCIceServer[] =>
  ctx.peers.at(-1)?.config.iceServers ?? []

describe('TURN per call', () => {
  it('the caller fetches a fresh credential for each call, signed in, and offers the relay', async () => {
    const ctx = harness(null, routes({ ...startRoute, ...credentials }))
    await ctx.signIn()
    for (let n = 1; n <= 2; n++) {
      await ctx.controller.call.startCall(bob, 'video')
      await settle()
      expect(ctx.store.getState().phase).toBe('outgoing')
      expect(iceServers(ctx)).toContainEqual(TURN)
      const asked = ctx.fetches.filter((f) => f.path === ROUTES.turnCredentials)
      expect(asked).toHaveLength(n)
      expect(asked.at(-1)?.auth).toBe(`Bearer ${TOKEN}`)
      await ctx.controller.call.hangUp()
    }
  })

  it('the callee fetches one on Accept and answers over it', async () => {
    const ctx = harness(null, routes(credentials))
    await ctx.signIn()
    await ctx.ringIn()
    await ctx.controller.call.accept()
    await settle()
    expect(ctx.store.getState()).toMatchObject({ phase: 'connecting', callError: null })
    expect(ctx.requests).toContain(`GET ${ROUTES.turnCredentials}`)
    expect(iceServers(ctx)).toContainEqual(TURN)
  })

  it('calls without TURN, silently, when the server has none (404)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const ctx = harness(
      null,
      routes({ ...startRoute, ...turnRoute(404, { error: { code: 'not_found', message: 'x' } }) }),
    )
    await ctx.signIn()
    await ctx.controller.call.startCall(bob, 'video')
    await settle()
    expect(ctx.store.getState()).toMatchObject({ phase: 'outgoing', callError: null })
    expect(iceServers(ctx).some((s) => String(s.urls).startsWith('turn'))).toBe(false)
    expect(warn).not.toHaveBeenCalled()
  })

  it('a failed or malformed answer does not block the call (a warning, STUN only)', async () => {
    for (const [status, body] of [
      [500, { error: { code: 'internal', message: 'boom' } }],
      [200, { ice_servers: [{ urls: ['http://evil'], username: 'x', credential: 'y' }] }],
    ] as const) {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
      const ctx = harness(null, routes({ ...startRoute, ...turnRoute(status, body) }))
      await ctx.signIn()
      await ctx.controller.call.startCall(bob, 'video')
      await settle()
      expect(ctx.store.getState(), String(status)).toMatchObject({
        phase: 'outgoing',
        callError: null,
      })
      expect(iceServers(ctx).some((s) => String(s.urls).startsWith('turn'))).toBe(false)
      expect(warn).toHaveBeenCalled()
      vi.unstubAllGlobals()
      warn.mockRestore()
    }
  })

  it("the settings' own TURN server overrides the server's: nothing is fetched", async () => {
    const ctx = harness(null, routes({ ...startRoute, ...credentials }))
    await ctx.signIn()
    ctx.controller.setIce([], {
      urls: ['turn:mine.example:3478'],
      username: 'me',
      credential: 'pw',
    })
    await ctx.controller.call.startCall(bob, 'video')
    await settle()
    expect(ctx.requests).not.toContain(`GET ${ROUTES.turnCredentials}`)
    expect(iceServers(ctx)).toEqual([
      { urls: ['turn:mine.example:3478'], username: 'me', credential: 'pw' },
    ])
  })

  it('goes on without TURN when the server does not answer in time', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const api = new ApiClient({
      baseUrl: 'http://localhost:8000',
      getToken: () => TOKEN,
      fetch: () => new Promise<Response>(() => undefined),
    })
    await expect(fetchCallTurnServers(api, 0)).resolves.toEqual([])
    expect(warn).toHaveBeenCalled()
  })
})
