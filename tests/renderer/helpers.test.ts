/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { describe, expect, it } from 'vitest'
import { classifyQuality, summariseStats } from '../../src/renderer/src/call/stats.js'
import {
  buildIceServers,
  DEFAULT_STUN_URLS,
  parseIceUrls,
} from '../../src/renderer/src/call/ice-servers.js'
import {
  DEFAULT_PREFS,
  loadPrefs,
  PREFS_KEY,
  savePrefs,
} from '../../src/renderer/src/controller/prefs.js'
import {
  ApiClient,
  ApiError,
  normaliseServerUrl,
} from '../../src/renderer/src/signaling/api-client.js'
import { detectorBridgeFor, detectorBridgeUrl } from '../../src/renderer/src/platform/web.js'
import { USERNAME_RULE, usernameProblem } from '../../src/renderer/src/controller/username-rule.js'
import { createUnavailableDetectionPort } from '../../src/renderer/src/detection/web-detection-port.js'
import { unavailableExplanation } from '../../src/renderer/src/detection/unavailable-reason.js'
import { resolveLanguage, systemLanguage } from '../../src/renderer/src/i18n/language.js'
import { callOutcomeKey, requestErrorText } from '../../src/renderer/src/app/format.js'
import { reportVerdict } from '../../src/renderer/src/detection/report-verdict.js'
import { createI18n } from '../../src/renderer/src/i18n/index.js'
import en from '../../src/shared/i18n/locales/en.js'
import zhCN from '../../src/shared/i18n/locales/zh-CN.js'

describe('call quality from getStats()', () => {
  const report = (bytes: number, received: number, lost: number, rtt: number) => [
    { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
    { id: 'P', type: 'candidate-pair', currentRoundTripTime: rtt },
    {
      id: 'A',
      type: 'inbound-rtp',
      kind: 'audio',
      bytesReceived: bytes / 4,
      packetsReceived: received / 2,
      packetsLost: lost / 2,
    },
    {
      id: 'V',
      type: 'inbound-rtp',
      kind: 'video',
      bytesReceived: (bytes * 3) / 4,
      packetsReceived: received / 2,
      packetsLost: lost / 2,
      frameWidth: 640,
      frameHeight: 360,
      framesPerSecond: 29.7,
    },
  ]

  it('turns counters into rates between two samples', () => {
    const first = summariseStats(report(100_000, 1000, 0, 0.02), null, 1000)
    expect(first.sample).toMatchObject({
      rttMs: 20,
      bitrateKbps: null,
      lossPct: null,
      width: 640,
      height: 360,
      level: 'good',
    })
    const second = summariseStats(report(350_000, 1950, 50, 0.02), first.counters, 3000)
    // 250 kB in 2 s = 1000 kbit/s; 50 lost of 1000 → 5 %.
    expect(second.sample).toMatchObject({ bitrateKbps: 1000, lossPct: 5, level: 'fair' })
  })

  it('classifies good / fair / poor', () => {
    expect(classifyQuality(null, null)).toBe('unknown')
    expect(classifyQuality(40, 0)).toBe('good')
    expect(classifyQuality(250, 1)).toBe('fair')
    expect(classifyQuality(40, 12)).toBe('poor')
    expect(classifyQuality(900, 0)).toBe('poor')
  })

  it('never calls video at a few frames per second good, however fast the network', () => {
    expect(classifyQuality(40, 0, 30)).toBe('good')
    expect(classifyQuality(40, 0, 15)).toBe('good')
    expect(classifyQuality(40, 0, 10)).toBe('fair')
    expect(classifyQuality(40, 0, 3)).toBe('poor')
    expect(classifyQuality(250, 1, 30)).toBe('fair') // the worse of network and video
    expect(classifyQuality(40, 0, null)).toBe('good') // no video (audio call, camera off)
    expect(classifyQuality(null, null, 3)).toBe('unknown')
  })
})

describe('ICE servers', () => {
  it('uses the public STUN list by default, none when emptied, TURN with credentials', () => {
    expect(buildIceServers({ stunUrls: null, turn: null })).toEqual([
      { urls: [...DEFAULT_STUN_URLS] },
    ])
    expect(buildIceServers({ stunUrls: [], turn: null })).toEqual([])
    expect(
      buildIceServers({
        stunUrls: [],
        turn: { urls: ['turn:t.example.org:3478', 'http://x'], username: 'u', credential: 'p' },
      }),
    ).toEqual([{ urls: ['turn:t.example.org:3478'], username: 'u', credential: 'p' }])
    expect(parseIceUrls('stun:a:1, stun:b:2\nhttp://nope  turns:c:5349')).toEqual([
      'stun:a:1',
      'stun:b:2',
      'turns:c:5349',
    ])
  })
})

describe('preferences (R3: nothing secret is stored)', () => {
  it('round-trips and has no field for a token, password or TURN credential', () => {
    const mem = new Map<string, string>()
    const storage = {
      getItem: (k: string) => mem.get(k) ?? null,
      setItem: (k: string, v: string) => void mem.set(k, v),
    }
    savePrefs(storage, { ...DEFAULT_PREFS, language: 'zh-CN', turnUsername: 'u' })
    expect(loadPrefs(storage)).toMatchObject({ language: 'zh-CN', turnUsername: 'u' })
    expect(Object.keys(JSON.parse(mem.get(PREFS_KEY) ?? '{}')).sort()).toEqual([
      'language',
      'lastUsername',
      'serverUrl',
      'stunUrls',
      'theme',
      'turnUrls',
      'turnUsername',
    ])
  })
  it('falls back to defaults on a corrupt entry', () => {
    expect(loadPrefs({ getItem: () => '{not json' })).toEqual(DEFAULT_PREFS)
    expect(loadPrefs({ getItem: () => JSON.stringify({ language: 'fr', stunUrls: [1] }) })).toEqual(
      DEFAULT_PREFS,
    )
  })
})

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

  it('states the username rule the server applies, in both languages', () => {
    expect(USERNAME_RULE).toMatchObject({ min: 3, max: 32 })
    expect(usernameProblem('ada_lovelace-1.0')).toBeNull()
    expect(usernameProblem('Zoë')).toBe('username_chars')
    expect(usernameProblem('ab')).toBe('username_length')
    for (const language of ['en', 'zh-CN'] as const) {
      const i18n = createI18n(language)
      const chars = i18n.t('auth.errors.username_chars')
      const length = i18n.t('auth.errors.username_length', USERNAME_RULE)
      expect(chars).not.toBe(length)
      expect(length).toMatch(/3.+32/)
      expect(chars).not.toMatch(/3|32/) // about characters, not length
      expect(i18n.t('auth.usernameHint', USERNAME_RULE)).toMatch(/3–32/)
    }
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
})

describe('languages', () => {
  it('follows the OS: any Chinese → zh-CN, else English; an explicit choice wins', () => {
    expect(systemLanguage(['zh-TW', 'en'])).toBe('zh-CN')
    expect(systemLanguage(['de-DE', 'en-GB'])).toBe('en')
    expect(systemLanguage(['fr'])).toBe('en')
    expect(resolveLanguage('system', ['zh-CN'])).toBe('zh-CN')
    expect(resolveLanguage('en', ['zh-CN'])).toBe('en')
  })

  it('words request failures in the chosen language, never with the raw English message', () => {
    const { t } = createI18n('zh-CN')
    expect(requestErrorText(t, 'unreachable')).toBe(zhCN.errors.unreachable)
    expect(requestErrorText(t, 'internal_error')).toBe(zhCN.errors.generic)
  })

  it('has every English string in Simplified Chinese, and no empty one', () => {
    const keys = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        typeof v === 'object' && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
      )
    expect(keys(zhCN).sort()).toEqual(keys(en).sort())
    const values = (o: object): unknown[] =>
      Object.values(o).flatMap((v) => (typeof v === 'object' && v !== null ? values(v) : [v]))
    expect(values(zhCN).every((v) => typeof v === 'string' && v.length > 0)).toBe(true)
  })
})

describe('web platform detector bridge URL', () => {
  it('accepts only a loopback ws:// bridge', () => {
    expect(detectorBridgeUrl('?detector=ws%3A%2F%2F127.0.0.1%3A4567%2Fdetector')).toBe(
      'ws://127.0.0.1:4567/detector',
    )
    expect(detectorBridgeUrl('?detector=ws://localhost:1/detector')).toBe(
      'ws://localhost:1/detector',
    )
    expect(detectorBridgeUrl('?detector=ws://evil.example:1/detector')).toBeNull()
    expect(detectorBridgeUrl('?detector=wss://127.0.0.1:1/detector')).toBeNull()
    expect(detectorBridgeUrl('?detector=ws://127.0.0.1.evil.example/detector')).toBeNull()
    expect(detectorBridgeUrl('')).toBeNull()
  })

  const at = (url: string) => {
    const { search, protocol, hostname, host } = new URL(url)
    return { search, protocol, hostname, host }
  }

  it('uses /detector on the page’s own origin when the page comes from this computer', () => {
    expect(detectorBridgeFor(at('http://localhost:8000/'))).toEqual({
      url: 'ws://localhost:8000/detector',
    })
    expect(detectorBridgeFor(at('http://127.0.0.1:41234/?x=1'))).toEqual({
      url: 'ws://127.0.0.1:41234/detector',
    })
    // A bridge named in the URL (npm run detector:bridge) still wins.
    expect(
      detectorBridgeFor(at('http://localhost:8000/?detector=ws://127.0.0.1:9/detector')),
    ).toEqual({ url: 'ws://127.0.0.1:9/detector' })
  })

  it('never sends frames off this computer, and says why there is no face check', async () => {
    for (const page of ['https://veracall.example.com/', 'http://192.168.1.5:8000/']) {
      expect(detectorBridgeFor(at(page))).toEqual({ unavailable: 'web_remote_page' })
    }
    const status = await createUnavailableDetectionPort('web_remote_page').status()
    expect(status).toEqual({ available: false, reason: 'web_remote_page', model: null, fps: 0 })
  })

  it('words each web reason in both languages, and shows any other reason as given', () => {
    for (const language of ['en', 'zh-CN'] as const) {
      const i18n = createI18n(language)
      const seen = new Set<string>()
      for (const reason of ['web_remote_page', 'web_bridge_unreachable']) {
        const text = unavailableExplanation(i18n, { reason })
        expect(text, `${language} ${reason}`).not.toContain(reason)
        expect(text).toMatch(
          language === 'en' ? /^The face check cannot run: / : /^面部检测无法运行：/,
        )
        seen.add(text)
      }
      expect(seen.size).toBe(2)
      expect(unavailableExplanation(i18n, { reason: 'the model failed to load' })).toContain(
        'the model failed to load',
      )
      expect(unavailableExplanation(i18n, null)).toBe(
        i18n.t('security.explain.unavailableNoReason'),
      )
    }
    expect(unavailableExplanation(createI18n('en'), { reason: 'web_remote_page' })).toContain(
      'npm start',
    )
  })
})

describe('history labels', () => {
  const me = 'me'
  const other = 'other'
  const ended = (caller: string, end_reason: string) => ({
    caller_id: caller,
    status: 'ended',
    end_reason,
  })

  it('calls an unanswered call "Missed" only on the side that missed it', () => {
    const en = createI18n('en')
    expect(en.t(callOutcomeKey(ended(other, 'missed'), me))).toBe('Missed')
    expect(en.t(callOutcomeKey(ended(me, 'missed'), me))).toBe('No answer')
    expect(createI18n('zh-CN').t(callOutcomeKey(ended(me, 'missed'), me))).toBe('对方未接听')
  })

  it('reads a cancelled, declined or completed call the same on both sides', () => {
    for (const reason of ['cancelled', 'declined', 'completed', 'interrupted'])
      expect(callOutcomeKey(ended(me, reason), me)).toBe(callOutcomeKey(ended(me, reason), other))
    expect(callOutcomeKey({ caller_id: me, status: 'in_progress' }, me)).toBe('reason.in_progress')
  })

  it('gives a face check that never judged a face a reason, not "Analysing…"', () => {
    expect(reportVerdict({ peakLevel: 'high', shareByLevel: { high: 0.2, low: 0.8 } })).toEqual({
      judged: true,
      level: 'high',
    })
    expect(reportVerdict({ peakLevel: 'analysing', shareByLevel: { no_face: 1 } })).toEqual({
      judged: false,
      why: 'no_face',
    })
    expect(
      reportVerdict({
        peakLevel: 'analysing',
        shareByLevel: { no_face: 0.2, insufficient_quality: 0.7 },
      }),
    ).toEqual({ judged: false, why: 'insufficient_quality' })
    expect(reportVerdict({ peakLevel: 'analysing', shareByLevel: {} })).toEqual({
      judged: false,
      why: 'too_short',
    })
    for (const language of ['en', 'zh-CN'] as const) {
      const i18n = createI18n(language)
      for (const why of ['no_face', 'insufficient_quality', 'too_short']) {
        const text = i18n.t('security.report.noVerdict', {
          why: i18n.t(`security.report.why.${why}`),
        })
        expect(text).not.toMatch(/security\.|Analysing|分析中/)
      }
    }
  })
})
