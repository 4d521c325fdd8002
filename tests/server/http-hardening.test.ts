import type { RouteOptions } from 'fastify'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildApp, ConfigError, loadConfig } from 'veracall-signaling'
import { ERROR_CODES, type AuthResponse, type ErrorBody } from 'veracall-signaling/protocol'
import {
  API_HELMET_OPTIONS,
  HELMET_OPTIONS,
  securityHeaders,
} from '../../signaling-server/src/plugins/external/helmet.js'
import {
  LogCapture,
  startServer,
  TEST_SECRET,
  TestSocket,
  testConfig,
  tryUpgrade,
  type TestServer,
  uniqueName,
} from './helper.js'
import { onCleanup } from '../cleanup.js'

/** Sends bytes as they are (no client would send them) and reads the status and JSON body. */
function rawHttp(port: number, request: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request))
    let response = ''
    socket.on('data', (chunk: Buffer) => (response += chunk.toString()))
    const done = (): void => {
      const [head = '', body = ''] = response.split('\r\n\r\n')
      resolve({ status: Number(head.split(' ')[1]), body: JSON.parse(body) as unknown })
    }
    // A reset after the answer (the server closes with bytes it did not read) still has the answer.
    socket.on('error', (error) => (response.includes('\r\n\r\n') ? done() : reject(error)))
    socket.on('close', done)
  })
}

type Schema = {
  type?: string
  additionalProperties?: unknown
  properties?: Record<string, Schema>
  items?: Schema
}

/** Every object schema, however deep, is closed to unknown properties. */
function openObjects(schema: Schema, path: string): string[] {
  const found: string[] = []
  if (
    schema.type === 'object' &&
    schema.additionalProperties !== false &&
    path !== 'ws-envelope.data'
  )
    found.push(path)
  for (const [name, child] of Object.entries(schema.properties ?? {}))
    found.push(...openObjects(child, `${path}.${name}`))
  if (schema.items) found.push(...openObjects(schema.items, `${path}[]`))
  return found
}

describe('HTTP hardening (checklist F1–F14)', () => {
  it('F1: every route has schemas for its inputs and its responses, with closed objects', async () => {
    const routes: RouteOptions[] = []
    const app = await buildApp({
      config: testConfig(),
      onRoute: (route) => void routes.push(route),
    })
    await app.ready()
    await app.close()
    const api = routes.filter(
      (r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && r.url !== '/metrics',
    )
    expect(api.map((r) => `${String(r.method)} ${r.url}`).sort()).toEqual(
      [
        'GET /api/v1/calls/active',
        'GET /api/v1/calls/history',
        'GET /api/v1/turn-credentials',
        'GET /api/v1/users',
        'GET /api/v1/users/me',
        'GET /health',
        'GET /ws/call/:roomId',
        'GET /ws/events',
        'POST /api/v1/auth/login',
        'POST /api/v1/auth/register',
        'POST /api/v1/calls/accept',
        'POST /api/v1/calls/decline',
        'POST /api/v1/calls/end',
        'POST /api/v1/calls/invite',
        'POST /api/v1/calls/start',
      ].sort(),
    )
    for (const route of api) {
      const name = `${String(route.method)} ${route.url}`
      const schema = (route.schema ?? {}) as Record<string, Schema | Record<string, Schema>>
      if (route.method === 'POST') expect(schema.body, name).toBeDefined()
      if (route.url.includes(':')) expect(schema.params, name).toBeDefined()
      if (route.url.startsWith('/ws/')) {
        expect(schema.querystring, name).toBeDefined()
        continue
      }
      const responses = schema.response as Record<string, Schema> | undefined
      expect(responses, name).toBeDefined()
      expect(
        Object.keys(responses ?? {}).some((code) => code.startsWith('2')),
        name,
      ).toBe(true)
      for (const part of ['body', 'querystring', 'params'] as const) {
        const partSchema = schema[part] as Schema | undefined
        if (partSchema) expect(openObjects(partSchema, `${name} ${part}`)).toEqual([])
      }
      for (const [code, response] of Object.entries(responses ?? {})) {
        expect(openObjects(response, `${name} ${code}`)).toEqual([])
      }
    }
  })

  it('F2/F11: unknown fields are rejected, not stripped; prototype poisoning is refused', async () => {
    const t = await startServer()
    const unknown = await t.request<ErrorBody>('POST', '/api/v1/auth/login', {
      username: 'a',
      password: 'b',
      role: 'admin',
    })
    expect(unknown.status).toBe(400)
    expect(unknown.body.error.code).toBe('invalid_input')
    const poisoned = await t.request<ErrorBody>(
      'POST',
      '/api/v1/auth/login',
      '{"username":"a","password":"b","__proto__":{"x":1}}',
    )
    expect(poisoned.status).toBe(400)
    expect(poisoned.body.error).toBeDefined()
    const constructor = await t.request<ErrorBody>(
      'POST',
      '/api/v1/auth/login',
      '{"username":"a","password":"b","constructor":{"prototype":{"x":1}}}',
    )
    expect(constructor.status).toBe(400)
    const badJson = await t.request<ErrorBody>('POST', '/api/v1/auth/login', '{"username":')
    expect(badJson.status).toBe(400)
    expect(badJson.body.error.code).toBe('invalid_json')
    const wrongType = await t.request<ErrorBody>(
      'POST',
      '/api/v1/auth/login',
      '<login/>',
      undefined,
      { 'content-type': 'application/xml' },
    )
    expect(wrongType.status).toBe(415)
    expect(wrongType.body.error.code).toBe('unsupported_media_type')
  })

  it('F3: an oversized body gets 413 in the envelope', async () => {
    const t = await startServer()
    const { status, body } = await t.request<ErrorBody>('POST', '/api/v1/auth/login', {
      username: 'x',
      password: 'y'.repeat(70 * 1024),
    })
    expect(status).toBe(413)
    expect(body.error.code).toBe('payload_too_large')
  })

  it('F4: request, connection, keep-alive and header timeouts are all set', async () => {
    const t = await startServer()
    const server = t.server.app?.server
    expect(server?.requestTimeout).toBeGreaterThan(0)
    expect(server?.headersTimeout).toBeGreaterThan(0)
    expect(server?.keepAliveTimeout).toBeGreaterThan(0)
    expect(server?.timeout).toBeGreaterThan(0) // connectionTimeout
  })

  it('F5: TRUST_PROXY takes only addresses; X-Forwarded-For from an untrusted peer is ignored', async () => {
    for (const value of ['true', '1', 'yes', '10.0.0.0/33', 'example.com']) {
      expect(() => loadConfig({ JWT_SECRET: TEST_SECRET, TRUST_PROXY: value }), value).toThrow(
        ConfigError,
      )
    }
    expect(
      loadConfig({ JWT_SECRET: TEST_SECRET, TRUST_PROXY: '10.0.0.1, 192.168.0.0/16' }).trustProxy,
    ).toEqual(['10.0.0.1', '192.168.0.0/16'])
    // With no trusted proxy, the rate limit keys on the socket address, so a forged header can't dodge it.
    const t = await startServer({}, { RATE_LIMIT_AUTH_PER_MIN: '2' })
    const attempt = (ip: string) =>
      t.request('POST', '/api/v1/auth/login', { username: 'x', password: 'y' }, undefined, {
        'x-forwarded-for': ip,
      })
    expect((await attempt('1.1.1.1')).status).toBe(401)
    expect((await attempt('2.2.2.2')).status).toBe(401)
    expect((await attempt('3.3.3.3')).status).toBe(429)
  })

  it('F6: logins, registrations and unknown URLs are rate limited with 429 + Retry-After', async () => {
    const t = await startServer({}, { RATE_LIMIT_AUTH_PER_MIN: '3', RATE_LIMIT_PER_MIN: '40' })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await t.request('POST', '/api/v1/auth/login', { username: 'nobody', password: 'wrong' }))
          .status,
      )
    expect(statuses).toEqual([401, 401, 401, 429])
    const limited = await t.request<ErrorBody>('POST', '/api/v1/auth/login', {
      username: 'nobody',
      password: 'wrong',
    })
    expect(limited.status).toBe(429)
    expect(limited.body.error.code).toBe('rate_limited')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    // The budget is told with the refusal, not on every answer.
    expect(limited.headers.get('x-ratelimit-limit')).toBe('3')
    const health = await t.request('GET', '/health')
    expect(health.status).toBe(200)
    expect(health.headers.get('x-ratelimit-remaining')).toBeNull()

    // Registration has its own budget of the same size.
    const registered: number[] = []
    for (let i = 0; i < 4; i++)
      registered.push(
        (
          await t.request('POST', '/api/v1/auth/register', {
            username: uniqueName(),
            password: 'long enough pw',
          })
        ).status,
      )
    expect(registered).toEqual([201, 201, 201, 429])

    let unknown = 0
    let lastStatus = 0
    while (lastStatus !== 429 && unknown < 60) {
      lastStatus = (await t.request('GET', `/no/such/route/${unknown++}`)).status
    }
    expect(lastStatus).toBe(429)
    expect(unknown).toBeLessThanOrEqual(41)
  })

  it('F6: calls/start is rate limited with 429 + Retry-After in the envelope', async () => {
    const t = await startServer({}, { RATE_LIMIT_CALLS_PER_MIN: '2' })
    const alice = await t.register()
    const bob = await t.register()
    const start = () =>
      t.request<ErrorBody & { call: { id: number } }>(
        'POST',
        '/api/v1/calls/start',
        { callee_id: bob.user.id, call_type: 'audio' },
        alice.token,
      )
    for (let i = 0; i < 2; i++) {
      const started = await start()
      expect(started.status).toBe(201)
      await t.request('POST', '/api/v1/calls/end', { call_id: started.body.call.id }, alice.token)
    }
    const limited = await start()
    expect(limited.status).toBe(429)
    expect(limited.body.error.code).toBe('rate_limited')
    expect(limited.body.error.message).toMatch(/try again in \d+ s/)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    // Only starting calls is limited: the rest of the API still answers.
    expect((await t.request('GET', '/api/v1/calls/active', undefined, alice.token)).status).toBe(
      200,
    )
  })

  it('F7: security headers are set', async () => {
    const t = await startServer()
    const { headers } = await t.request('GET', '/health')
    expect(headers.get('x-content-type-options')).toBe('nosniff')
    expect(headers.get('x-frame-options')).toBeTruthy()
    expect(headers.get('strict-transport-security')).toBeTruthy()
    expect(headers.get('content-security-policy')).toContain("default-src 'none'")
  })

  it("F7: the headers are helmet's for our options, worked out once, on every answer", async () => {
    const expected = securityHeaders(API_HELMET_OPTIONS)
    // A JSON answer's headers (OWASP REST): the page policy is for the web client's files.
    expect(expected).toEqual({
      'content-security-policy': "default-src 'none';frame-ancestors 'none'",
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    })
    const t = await startServer()
    const alice = await t.register()
    // Only the health check may arrive at a page of another origin (unreadable, see helmet.ts).
    const health = await t.request('GET', '/health')
    expect(health.headers.get('cross-origin-resource-policy')).toBe('cross-origin')
    expect(health.headers.get('access-control-allow-origin')).toBeNull()
    for (const [name, value] of Object.entries(expected))
      if (name !== 'cross-origin-resource-policy')
        expect(health.headers.get(name), name).toBe(value)
    for (const answer of [
      await t.request('GET', '/api/v1/users/me', undefined, alice.token),
      await t.request('GET', '/api/v1/users/me', undefined, 'not.a.token'),
      await t.request('GET', '/no/such/route'),
    ]) {
      for (const [name, value] of Object.entries(expected))
        expect(answer.headers.get(name), name).toBe(value)
      // None of the page policy's document-only headers.
      expect(answer.headers.get('cross-origin-opener-policy')).toBeNull()
      expect(answer.headers.get('x-xss-protection')).toBeNull()
    }
  })

  it("F7: the web client's files carry the page policy, and the API beside them its own", async () => {
    const root = mkdtempSync(join(tmpdir(), 'veracall-web-'))
    onCleanup(() => rmSync(root, { recursive: true, force: true }))
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Veracall</title>')
    const app = await buildApp({ config: testConfig(), webRoot: root })
    onCleanup(() => app.close())
    const page = await app.inject({ method: 'GET', url: '/index.html' })
    expect(page.statusCode).toBe(200)
    const pageHeaders = securityHeaders(HELMET_OPTIONS)
    expect(pageHeaders['content-security-policy']).toContain("script-src 'self'")
    for (const [name, value] of Object.entries(pageHeaders))
      expect(page.headers[name], name).toBe(value)
    const api = await app.inject({ method: 'GET', url: '/api/v1/users/me' })
    expect(api.statusCode).toBe(401)
    expect(api.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'")
    expect(api.headers['cross-origin-opener-policy']).toBeUndefined()
  })

  it('F8: CORS answers only the origins in CORS_ORIGINS', async () => {
    const t = await startServer({}, { CORS_ORIGINS: 'https://app.example.com, app://veracall' })
    const preflight = (origin: string) =>
      t.request('OPTIONS', '/api/v1/auth/login', undefined, undefined, {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      })
    expect(
      (await preflight('https://app.example.com')).headers.get('access-control-allow-origin'),
    ).toBe('https://app.example.com')
    expect((await preflight('app://veracall')).headers.get('access-control-allow-origin')).toBe(
      'app://veracall',
    )
    expect(
      (await preflight('https://evil.example')).headers.get('access-control-allow-origin'),
    ).toBeNull()
    const none = await startServer()
    const closed = await none.request('OPTIONS', '/api/v1/auth/login', undefined, undefined, {
      origin: 'https://app.example.com',
      'access-control-request-method': 'POST',
    })
    expect(closed.headers.get('access-control-allow-origin')).toBeNull()
    // With no origin allowed a preflight is an unknown route, in the envelope.
    expect(closed.status).toBe(404)
    expect(closed.body).toMatchObject({ error: { code: 'not_found' } })
  })

  it('F9: /health checks the database: 200 while it answers, 503 once it is closed', async () => {
    const t = await startServer()
    const ok = await t.request<{ status: string; service: string; database: string }>(
      'GET',
      '/health',
    )
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ status: 'ok', service: 'veracall-signaling', database: 'ok' })
    t.server.app?.db?.close()
    const down = await t.request<ErrorBody>('GET', '/health')
    expect(down.status).toBe(503)
    expect(down.body.error.code).toBe('service_unavailable')
  })

  it('F10: a failure inside a route is a generic 500 in the envelope, with no stack; 404s use the envelope', async () => {
    const app = await buildApp({ config: testConfig() })
    app.get('/test-only/throws', async () => {
      throw new Error('secret internal detail at /home/db.sqlite')
    })
    const thrown = await app.inject({ method: 'GET', url: '/test-only/throws' })
    expect(thrown.statusCode).toBe(500)
    expect(thrown.json()).toEqual({
      error: { code: 'internal_error', message: 'Internal Server Error' },
    })
    expect(thrown.body).not.toContain('secret internal detail')
    const missing = await app.inject({ method: 'GET', url: '/nowhere' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toMatchObject({ error: { code: 'not_found' } })
    await app.close()
  })

  it('F10: answers in the envelope before routing and for requests the HTTP parser refuses', async () => {
    const t = await startServer()
    const badEscape = await t.request<ErrorBody>('GET', '/api/v1/users/%zz')
    expect(badEscape.status).toBe(400)
    expect(badEscape.body).toEqual({
      error: { code: 'invalid_input', message: expect.stringContaining('%-escape') },
    })
    const longRoom = await t.request<ErrorBody>('GET', `/ws/call/${'r'.repeat(200)}`)
    expect(longRoom.status).toBe(414)
    expect(longRoom.body).toEqual({
      error: { code: 'uri_too_long', message: 'A path segment is longer than 128 characters' },
    })
    const port = Number(new URL(t.url).port)
    const malformed = await rawHttp(port, 'GET /health HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n')
    expect(malformed.status).toBe(400)
    expect(malformed.body).toMatchObject({ error: { code: 'invalid_input' } })
    const hugeHeader = await rawHttp(
      port,
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    )
    expect(hugeHeader.status).toBe(431)
    expect(hugeHeader.body).toMatchObject({ error: { code: 'headers_too_large' } })
    for (const answer of [badEscape.body, longRoom.body, malformed.body, hugeHeader.body])
      expect(ERROR_CODES).toContain((answer as ErrorBody).error.code)
  })

  it('F12: closing the app closes the database', async () => {
    const app = await buildApp({ config: testConfig() })
    await app.ready()
    await app.close()
    expect(app.db?.open).toBe(false)
  })

  it('F13: neither passwords nor tokens reach the logs', async () => {
    const logs = new LogCapture()
    const t = await startServer({ logLevel: 'trace' }, {}, { logStream: logs })
    const password = 'never-log-this-password'
    const registered = await t.request<AuthResponse>('POST', '/api/v1/auth/register', {
      username: uniqueName(),
      password,
    })
    const { token } = registered.body
    await t.request('POST', '/api/v1/auth/login', {
      username: registered.body.user.username,
      password,
    })
    await t.request('GET', '/api/v1/users/me', undefined, token)
    await t.request('GET', `/api/v1/users?query=xy&token=${token}`, undefined, token)
    const socket = new TestSocket(`${t.wsUrl}/ws/events?token=${token}`)
    await socket.opened
    socket.close()
    await socket.closed
    const byProtocol = new TestSocket(`${t.wsUrl}/ws/events`, {
      protocols: ['veracall.v1', `bearer.${token}`],
    })
    await byProtocol.opened
    byProtocol.close()
    await byProtocol.closed
    // The query parser decodes the name, so `%74oken` authenticates: it must be redacted too.
    const encoded = new TestSocket(`${t.wsUrl}/ws/events?%74oken=${token}`)
    await encoded.opened
    encoded.close()
    await encoded.closed
    // An upgrade to an HTTP route is refused before it completes (and before anything logs its URL).
    const misrouted = await tryUpgrade(`${t.wsUrl}/health?token=${token}`)
    expect(misrouted).toMatchObject({ upgraded: false, status: 404 })
    expect(JSON.parse((misrouted as { body: string }).body)).toMatchObject({
      error: { code: 'not_found' },
    })
    await new Promise((r) => setTimeout(r, 50))
    expect(logs.text).toContain('?%74oken=[REDACTED]')
    expect(logs.lines.length).toBeGreaterThan(5)
    expect(logs.text).toContain('/ws/events')
    expect(logs.text).not.toContain(password)
    expect(logs.text).not.toContain(token)
    expect(logs.text).not.toContain(token.split('.')[2])
  })

  it('F14: refuses to start without a strong JWT_SECRET, saying what to do', () => {
    for (const env of [{}, { JWT_SECRET: 'short' }, { JWT_SECRET: 'x'.repeat(31) }]) {
      expect(() => loadConfig(env)).toThrow(ConfigError)
      expect(() => loadConfig(env)).toThrow(/JWT_SECRET .*at least 32 bytes.*Generate one/)
    }
    expect(loadConfig({ NODE_ENV: 'development' }).jwtSecret.length).toBeGreaterThanOrEqual(32)
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(32) }).host).toBe('0.0.0.0')
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(32) }, { embedded: true }).host).toBe('127.0.0.1')
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(32), HOST: '::1', PORT: '9000' })).toMatchObject({
      host: '::1',
      port: 9000,
    })
    expect(
      loadConfig({
        JWT_SECRET: 'x'.repeat(32),
        WS_MESSAGES_PER_SECOND: '5000',
        WS_MESSAGE_BURST: '10000',
      }).ws,
    ).toMatchObject({ messagesPerSecond: 5000, messageBurst: 10000 })
    for (const [name, value] of [
      ['WS_MESSAGES_PER_SECOND', '0'],
      ['WS_MESSAGE_BURST', 'many'],
      ['PORT', '70000'],
      ['PORT', 'eighty'],
      ['LOG_LEVEL', 'loud'],
      ['RING_TIMEOUT_S', '0'],
      ['HOST', 'my host'],
      ['CORS_ORIGINS', 'not a url'],
      ['METRICS_ALLOW', 'everyone'],
    ] as const) {
      expect(() => loadConfig({ JWT_SECRET: TEST_SECRET, [name]: value }), name).toThrow(
        new RegExp(name),
      )
    }
  })

  it('serves /metrics in Prometheus format to allowed addresses only', async () => {
    const t = await startServer()
    const user = await t.register()
    await t.request('GET', '/api/v1/users/me', undefined, user.token)
    const metrics = await t.request<string>('GET', '/metrics')
    expect(metrics.status).toBe(200)
    for (const name of [
      'veracall_ws_open_sockets',
      'veracall_rooms',
      'veracall_calls{status="waiting"}',
      'veracall_ws_messages_relayed_total',
      'veracall_http_request_duration_seconds_bucket',
    ]) {
      expect(metrics.body).toContain(name)
    }
  })

  it('refuses /metrics to other addresses exactly as a route that does not exist', async () => {
    const closed = await startServer({ metricsAllow: ['10.1.2.3'] })
    const off = await startServer({ metricsAllow: [] })
    const answer = async (t: TestServer) => {
      const response = await fetch(`${t.url}/metrics`)
      const headers = Object.fromEntries(response.headers)
      delete headers.date
      return { status: response.status, headers, body: await response.text() }
    }
    const refused = await answer(closed)
    expect(refused.status).toBe(404)
    expect(refused).toEqual(await answer(off))
  })
})
