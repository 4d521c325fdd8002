import { describe, expect, it } from 'vitest'
import {
  ApiClient,
  ApiError,
  MAX_RETRY_WAIT_MS,
  UNAVAILABLE_RETRIES,
  normaliseServerUrl,
  retryWaitMs,
} from '../../../src/renderer/src/signaling/api-client.js'
import { createI18n } from '../../../src/renderer/src/i18n/index.js'

describe('server URL and REST client', () => {
  it('normalises what a person types', () => {
    expect(normaliseServerUrl(' calls.example.org:8000/ ')).toBe('http://calls.example.org:8000')
    expect(normaliseServerUrl('https://calls.example.org/app')).toBe('https://calls.example.org')
    expect(() => normaliseServerUrl('ftp://x')).toThrow(ApiError)
    expect(() => normaliseServerUrl('http://')).toThrow(ApiError)
  })

  it('refuses what is not a server address as invalid_url, never as unreachable', () => {
    for (const typed of [
      '',
      '   ',
      'http//calls.example.org',
      'https//calls.example.org',
      'http:/calls.example.org',
      'https:calls.example.org',
      'calls example org',
      'http://user:pw@calls.example.org',
      'localhost:99999',
      'ws://calls.example.org',
      'http://[::1',
    ])
      expect(() => normaliseServerUrl(typed), typed).toThrow(
        expect.objectContaining({ code: 'invalid_url' }),
      )
    for (const [typed, origin] of [
      ['localhost:8000', 'http://localhost:8000'],
      ['http://192.168.1.20:47800/', 'http://192.168.1.20:47800'],
      ['https://calls.example.org', 'https://calls.example.org'],
      ['raspberrypi:8000', 'http://raspberrypi:8000'],
      ['httpbin.example:80', 'http://httpbin.example'],
    ] as const)
      expect(normaliseServerUrl(typed), typed).toBe(origin)
  })

  const client = (handler: (url: string, init?: RequestInit) => Response | Promise<Response>) =>
    new ApiClient({
      baseUrl: 'http://localhost:8000/',
      getToken: () => 'tkn',
      fetch: (async (url: string, init?: RequestInit) => handler(url, init)) as typeof fetch,
    })
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

  it('tells an unreachable server from one that is not Veracall', async () => {
    const modes: (RequestMode | undefined)[] = []
    await expect(
      client((_url, init) => {
        modes.push(init?.mode)
        return Promise.reject(new TypeError('fetch failed'))
      }).probe(),
    ).rejects.toMatchObject({ code: 'unreachable' })
    // Asked twice: with CORS, then without (nothing answered either way).
    expect(modes).toEqual([undefined, 'no-cors'])
    await expect(client(() => json({ status: 'ok' })).probe()).rejects.toMatchObject({
      code: 'not_veracall',
    })
    const health = {
      status: 'ok',
      service: 'veracall-signaling',
      version: '1',
      database: 'ok',
      uptime_s: 1,
    }
    await expect(client(() => json(health)).probe()).resolves.toEqual(health)
  })

  it('tells a server that refuses this origin (CORS) from one that does not answer', async () => {
    // What a browser does for a server without this page's origin in CORS_ORIGINS: the request
    // fails, the same request without CORS gets an (unreadable) answer.
    const refusing = client((_url, init) =>
      init?.mode === 'no-cors'
        ? new Response(null, { status: 200 })
        : Promise.reject(new TypeError('Failed to fetch')),
    )
    await expect(refusing.probe()).rejects.toMatchObject({ code: 'cors_refused' })
    // A server that lets anyone read it but is not Veracall (an HTML 404 page, say).
    const other = client(() => new Response('<h1>Not Found</h1>', { status: 404 }))
    await expect(other.probe()).rejects.toMatchObject({ code: 'not_veracall', status: 404 })
  })

  it('words each sign-in failure differently, naming CORS_ORIGINS and the origin to add', () => {
    for (const language of ['en', 'zh-CN'] as const) {
      const i18n = createI18n(language)
      const origin = 'app://veracall'
      const texts = ['invalid_url', 'unreachable', 'cors_refused', 'not_veracall'].map((code) =>
        i18n.t(`auth.errors.${code}`, { origin }),
      )
      expect(new Set(texts).size, language).toBe(4)
      expect(texts[2]).toContain('CORS_ORIGINS')
      expect(texts[2]).toContain(origin)
      for (const text of texts) expect(text).not.toMatch(/auth\.errors/)
    }
  })

  it('sends the bearer token and surfaces the server error code', async () => {
    let auth: string | null = null
    const c = client((_url, init) => {
      auth = new Headers(init?.headers).get('authorization')
      return json({ error: { code: 'busy', message: 'in another call' } }, 409)
    })
    await expect(
      c.startCall('00000000-0000-4000-8000-00000000000b', 'video'),
    ).rejects.toMatchObject({ code: 'busy', status: 409 })
    expect(auth).toBe('Bearer tkn')
  })

  it('rejects a response that does not match the protocol schema', async () => {
    await expect(client(() => json({ users: [{ id: 1 }] })).searchUsers('x')).rejects.toMatchObject(
      { code: 'bad_response' },
    )
  })

  describe('a 503 (load shed or draining)', () => {
    const call = {
      id: 7,
      room_id: 'room-0007',
      caller_id: '00000000-0000-4000-8000-00000000000a',
      callee_id: '00000000-0000-4000-8000-00000000000b',
      call_type: 'video',
      status: 'ended',
      created_at: '2026-12-02T00:00:00.000Z',
    }
    const unavailable = (retryAfter?: string) =>
      new Response(
        JSON.stringify({
          error: { code: 'service_unavailable', message: 'Server under pressure' },
        }),
        { status: 503, headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter } },
      )
    /** A server that sheds the first `shed` requests, counting requests and the client's waits. */
    const shedding = (shed: number) => {
      const seen = { requests: 0, waits: [] as number[] }
      const api = new ApiClient({
        baseUrl: 'http://localhost:8000',
        getToken: () => 'tkn',
        fetch: (async () =>
          ++seen.requests <= shed ? unavailable('5') : json({ call })) as typeof fetch,
        sleep: async (ms) => void seen.waits.push(ms),
      })
      return { api, seen }
    }

    it('retries calls/end after Retry-After, so a hang-up under load still reaches the server', async () => {
      const { api, seen } = shedding(UNAVAILABLE_RETRIES)
      await expect(api.endCall(7)).resolves.toMatchObject({ id: 7, status: 'ended' })
      expect(seen.requests).toBe(UNAVAILABLE_RETRIES + 1)
      expect(seen.waits).toEqual(Array(UNAVAILABLE_RETRIES).fill(5000))
    })

    it('gives up after the bounded retries with the server error', async () => {
      const { api, seen } = shedding(Infinity)
      await expect(api.declineCall(7)).rejects.toMatchObject({
        code: 'service_unavailable',
        status: 503,
      })
      expect(seen.requests).toBe(UNAVAILABLE_RETRIES + 1)
    })

    it('never repeats a request that may not be safe to repeat', async () => {
      const { api, seen } = shedding(Infinity)
      await expect(api.startCall(call.callee_id, 'video')).rejects.toMatchObject({ status: 503 })
      await expect(api.acceptCall(7)).rejects.toMatchObject({ status: 503 })
      expect(seen.requests).toBe(2)
      expect(seen.waits).toEqual([])
    })

    it('reads Retry-After as seconds, capped, with a default for anything else', () => {
      expect(retryWaitMs('2')).toBe(2000)
      expect(retryWaitMs('3600')).toBe(MAX_RETRY_WAIT_MS)
      for (const odd of [null, '', 'soon', '-1', 'Wed, 21 Oct 2026 07:28:00 GMT'])
        expect(retryWaitMs(odd), String(odd)).toBe(1000)
    })
  })
})
