import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { loadConfig } from 'veracall-signaling'
import {
  isTurnUrl,
  ROUTES,
  type ErrorBody,
  type TurnCredentialsResponse,
} from 'veracall-signaling/protocol'
import { LogCapture, startServer, TEST_SECRET } from './helper.js'

const TURN_SECRET = 'turn-shared-secret-0123456789abcdef'
const TURN_ENV = {
  TURN_URLS: 'turn:turn.example.com:3478?transport=udp, turns:turn.example.com:5349?transport=tcp',
  TURN_SECRET,
}

describe('TURN configuration', () => {
  const load = (env: Record<string, string>) => loadConfig({ JWT_SECRET: TEST_SECRET, ...env })

  it('is off without TURN_URLS and TURN_SECRET, and defaults the lifetime to an hour', () => {
    expect(load({}).turn).toBeUndefined()
    expect(load(TURN_ENV).turn).toEqual({
      urls: [
        'turn:turn.example.com:3478?transport=udp',
        'turns:turn.example.com:5349?transport=tcp',
      ],
      secret: TURN_SECRET,
      ttlS: 3600,
    })
    expect(load({ ...TURN_ENV, TURN_TTL_S: '600' }).turn?.ttlS).toBe(600)
  })

  it('accepts RFC 7065 URLs only', () => {
    for (const url of [
      'turn:127.0.0.1',
      'turn:[::1]:3478',
      'turns:turn.example.com:443?transport=tcp',
      'turn:a',
    ])
      expect(isTurnUrl(url), url).toBe(true)
    for (const url of [
      'stun:turn.example.com',
      'http://turn.example.com',
      'turn://turn.example.com',
      'turn:user@turn.example.com',
      'turn:turn.example.com:0',
      'turn:turn.example.com:70000',
      'turn:turn.example.com?transport=sctp',
      'turn:turn.example.com/path',
      'turn:-bad.example.com',
      'turn:',
    ])
      expect(isTurnUrl(url), url).toBe(false)
  })

  it('refuses a half or bad TURN setup with a message that never quotes the secret', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ TURN_URLS: 'turn:turn.example.com' }, /TURN_SECRET is not/],
      [{ TURN_SECRET }, /TURN_URLS is not/],
      [{ ...TURN_ENV, TURN_URLS: 'turn:ok.example.com,stun:x.example.com' }, /"stun:x/],
      [{ ...TURN_ENV, TURN_SECRET: 'short-secret' }, /at least 16 bytes/],
      [{ ...TURN_ENV, TURN_TTL_S: '10' }, /TURN_TTL_S must be between 60/],
      [{ ...TURN_ENV, TURN_TTL_S: '1h' }, /TURN_TTL_S must be a whole number/],
    ]
    for (const [env, message] of cases) {
      let error: unknown
      try {
        load(env)
      } catch (e) {
        error = e
      }
      expect(error, JSON.stringify(env)).toBeInstanceOf(Error)
      expect((error as Error).message).toMatch(message)
      expect((error as Error).message).not.toContain(env.TURN_SECRET ?? '\u0000')
    }
  })
})

describe('GET /api/v1/turn-credentials', async () => {
  let now = Date.UTC(2026, 11, 1, 12, 0, 0)
  const logs = new LogCapture()
  const t = await startServer(
    {},
    { ...TURN_ENV, LOG_LEVEL: 'trace' },
    {
      logStream: logs,
      clock: () => now,
    },
  )
  const off = await startServer()

  it('hands the signed-in user a coturn REST-API credential that expires after TURN_TTL_S', async () => {
    const alice = await t.register()
    const { status, body, headers } = await t.request<TurnCredentialsResponse>(
      'GET',
      ROUTES.turnCredentials,
      undefined,
      alice.token,
    )
    expect(status).toBe(200)
    expect(headers.get('cache-control')).toBe('no-store')
    const username = `${now / 1000 + 3600}:${alice.user.id}`
    expect(body).toEqual({
      ice_servers: [
        {
          urls: [
            'turn:turn.example.com:3478?transport=udp',
            'turns:turn.example.com:5349?transport=tcp',
          ],
          username,
          credential: createHmac('sha1', TURN_SECRET).update(username).digest('base64'),
        },
      ],
      ttl_s: 3600,
    })
    // The expiry follows the server's clock, to the second.
    now += 90_500
    const later = await t.request<TurnCredentialsResponse>(
      'GET',
      ROUTES.turnCredentials,
      undefined,
      alice.token,
    )
    expect(later.body.ice_servers[0]?.username).toBe(
      `${Math.floor(now / 1000) + 3600}:${alice.user.id}`,
    )
    // Neither the shared secret nor a credential reaches the log, even at trace level.
    expect(logs.text).toContain(ROUTES.turnCredentials)
    expect(logs.text).not.toContain(TURN_SECRET)
    expect(logs.text).not.toContain(body.ice_servers[0]?.credential)
  })

  it('refuses anyone not signed in (401, error envelope)', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const { status, body } = await t.request<ErrorBody>(
        'GET',
        ROUTES.turnCredentials,
        undefined,
        token,
      )
      expect(status).toBe(401)
      expect(body.error.code).toBe('invalid_token')
    }
  })

  it('answers 404 in the error envelope when the server has no TURN configured', async () => {
    const bob = await off.register()
    const { status, body } = await off.request<ErrorBody>(
      'GET',
      ROUTES.turnCredentials,
      undefined,
      bob.token,
    )
    expect(status).toBe(404)
    expect(body).toEqual({
      error: { code: 'not_found', message: 'This server has no TURN relay' },
    })
  })
})
