import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { loadConfig } from 'veracall-signaling'
import type { AuthResponse, ErrorBody } from 'veracall-signaling/protocol'
import { startServer, TEST_SECRET, uniqueName } from './helper.js'

const key = new TextEncoder().encode(TEST_SECRET)
const base64url = (value: object): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url')

describe('accounts', async () => {
  const t = await startServer()
  const register = (body: unknown) =>
    t.request<AuthResponse & ErrorBody>('POST', '/api/v1/auth/register', body)

  it('rejects bad registrations with 400 and a message, creating nothing', async () => {
    const name = uniqueName()
    for (const body of [
      { username: name },
      { username: name, password: 'short' },
      { username: 'a', password: 'long enough pw' },
      { username: 'has space', password: 'long enough pw' },
      { username: name, password: 'long enough pw', admin: true },
      { username: name, password: 'long enough pw', display_name: '' },
      { username: name, password: 12345678 },
      'not an object',
    ]) {
      const { status, body: answer } = await register(body)
      expect(status, JSON.stringify(body)).toBe(400)
      expect(answer.error.code).toMatch(/invalid_input|invalid_json/)
      expect(answer.error.message.length).toBeGreaterThan(0)
    }
    const login = await t.request('POST', '/api/v1/auth/login', {
      username: name,
      password: 'long enough pw',
    })
    expect(login.status).toBe(401)
  })

  it('says which field is wrong, in words', async () => {
    const name = uniqueName()
    const unknown = await register({ username: name, password: 'long enough pw', admin: true })
    expect(unknown.body.error.message).toBe('body: unknown field "admin"')
    const missing = await register({ username: name })
    expect(missing.body.error.message).toBe('body: missing field "password"')
    const short = await register({ username: name, password: 'short' })
    expect(short.body.error.message).toMatch(/^body\.password: .*8/)
  })

  it('keeps usernames unique regardless of case (409)', async () => {
    const name = uniqueName('Case')
    expect((await register({ username: name, password: 'long enough pw' })).status).toBe(201)
    const again = await register({ username: name.toLowerCase(), password: 'long enough pw' })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('username_taken')
  })

  it('defaults the display name to the username', async () => {
    const name = uniqueName()
    const { body } = await register({ username: name, password: 'long enough pw' })
    expect(body.user.display_name).toBe(name)
  })

  it('answers a wrong password and an unknown user identically (D2)', async () => {
    const user = await t.register(uniqueName(), 'the right password')
    const wrongPassword = await t.request('POST', '/api/v1/auth/login', {
      username: user.user.username,
      password: 'the wrong password',
    })
    const unknownUser = await t.request('POST', '/api/v1/auth/login', {
      username: uniqueName('ghost'),
      password: 'the right password',
    })
    expect(wrongPassword.status).toBe(401)
    expect(unknownUser.status).toBe(401)
    expect(unknownUser.body).toEqual(wrongPassword.body)
  })

  it('stores a salted scrypt hash, never the password (D2)', async () => {
    const password = 'stored password check'
    const user = await t.register(uniqueName(), password)
    const other = await t.register(uniqueName(), password)
    const app = t.server.app
    if (!app) throw new Error('not started')
    const hashes = [user, other].map(
      (u) =>
        app.db?.get<{ password_hash: string }>({
          text: 'SELECT password_hash FROM users WHERE id = ?',
          params: [u.user.id],
        })?.password_hash ?? '',
    )
    for (const hash of hashes) {
      expect(hash).not.toContain(password)
      expect(hash).toMatch(/^scrypt\$\d+\$8\$1\$[A-Za-z0-9+/=]{20,}\$[A-Za-z0-9+/=]{40,}$/)
    }
    expect(hashes[0]).not.toBe(hashes[1]) // per-user salt
  })

  it('accepts its own tokens and refuses every forged or stale one on REST (D1)', async () => {
    const user = await t.register()
    const claims = { username: user.user.username }
    const sign = (alg: string, build: (jwt: SignJWT) => SignJWT, secret: Uint8Array = key) =>
      build(new SignJWT(claims).setProtectedHeader({ alg }).setSubject(user.user.id)).sign(secret)
    const good = (jwt: SignJWT) =>
      jwt.setIssuer('veracall-signaling').setAudience('veracall').setExpirationTime('1h')
    const forged: Record<string, string> = {
      valid: await sign('HS256', good),
      hs512: await sign('HS512', good),
      wrongSecret: await sign(
        'HS256',
        good,
        new TextEncoder().encode('another secret that is long enough!!'),
      ),
      wrongIssuer: await sign('HS256', (j) =>
        j.setIssuer('someone-else').setAudience('veracall').setExpirationTime('1h'),
      ),
      wrongAudience: await sign('HS256', (j) =>
        j.setIssuer('veracall-signaling').setAudience('other').setExpirationTime('1h'),
      ),
      noExpiry: await sign('HS256', (j) =>
        j.setIssuer('veracall-signaling').setAudience('veracall'),
      ),
      expired: await sign('HS256', (j) =>
        j
          .setIssuer('veracall-signaling')
          .setAudience('veracall')
          .setExpirationTime(Math.floor(Date.now() / 1000) - 10),
      ),
      algNone: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, sub: user.user.id, iss: 'veracall-signaling', aud: 'veracall', exp: 9999999999 })}.`,
      garbage: 'not.a.jwt',
    }
    for (const [name, token] of Object.entries(forged)) {
      const { status, body } = await t.request<ErrorBody>(
        'GET',
        '/api/v1/users/me',
        undefined,
        token,
      )
      if (name === 'valid') {
        expect(status, name).toBe(200)
      } else {
        expect(status, name).toBe(401)
        expect(body.error.code, name).toBe('invalid_token')
      }
    }
    const none = await t.request<ErrorBody>('GET', '/api/v1/users/me')
    expect(none.status).toBe(401)
    const basic = await t.request('GET', '/api/v1/users/me', undefined, undefined, {
      authorization: 'Basic YTpi',
    })
    expect(basic.status).toBe(401)
  })

  it('reads the Authorization scheme case-insensitively (RFC 7235)', async () => {
    const user = await t.register()
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      const { status } = await t.request('GET', '/api/v1/users/me', undefined, undefined, {
        authorization: `${scheme} ${user.token}`,
      })
      expect(status, scheme).toBe(200)
    }
    const unknownScheme = await t.request('GET', '/api/v1/users/me', undefined, undefined, {
      authorization: `Bearerx ${user.token}`,
    })
    expect(unknownScheme.status).toBe(401)
  })

  it('never lists the whole directory: an empty search finds nobody, a short one is refused', async () => {
    const me = await t.register(uniqueName('lister'))
    await t.register(uniqueName('lister'))
    for (const path of ['/api/v1/users', '/api/v1/users?query=', '/api/v1/users?query=%20%20']) {
      const empty = await t.request<{ users: unknown[] }>('GET', `${path}`, undefined, me.token)
      expect(empty, path).toMatchObject({ status: 200, body: { users: [] } })
    }
    const short = await t.request<ErrorBody>('GET', '/api/v1/users?query=l', undefined, me.token)
    expect(short.status).toBe(400)
    expect(short.body).toEqual({
      error: {
        code: 'query_too_short',
        message: 'Type at least 2 characters to search for someone',
      },
    })
    // Two characters are enough by default (a Chinese name is often just two).
    const twoChars = await t.request<{ users: unknown[] }>(
      'GET',
      `/api/v1/users?query=${encodeURIComponent('li')}`,
      undefined,
      me.token,
    )
    expect(twoChars.status).toBe(200)
    expect(twoChars.body.users.length).toBeGreaterThan(0)
    expect(
      loadConfig({ JWT_SECRET: TEST_SECRET, USER_SEARCH_MIN_LENGTH: '4' }).userSearchMinLength,
    ).toBe(4)
    const strict = await startServer({}, { USER_SEARCH_MIN_LENGTH: '3' })
    const someone = await strict.register(uniqueName('lister'))
    const refused = await strict.request<ErrorBody>(
      'GET',
      '/api/v1/users?query=li',
      undefined,
      someone.token,
    )
    expect(refused.status).toBe(400)
    expect(refused.body.error.message).toContain('at least 3 characters')
    expect(() => loadConfig({ JWT_SECRET: TEST_SECRET, USER_SEARCH_MIN_LENGTH: '0' })).toThrow(
      /USER_SEARCH_MIN_LENGTH/,
    )
  })

  it('finds people by name, without the searcher', async () => {
    const me = await t.register(uniqueName('finder'))
    const target = await t.request<AuthResponse>('POST', '/api/v1/auth/register', {
      username: uniqueName('zed'),
      password: 'long enough pw',
      display_name: 'Zed 100%_match',
    })
    const byName = await t.request<{ users: { id: string }[] }>(
      'GET',
      `/api/v1/users?query=${encodeURIComponent('100%_')}`,
      undefined,
      me.token,
    )
    expect(byName.body.users.map((u) => u.id)).toEqual([target.body.user.id])
    const other = await t.register(uniqueName('finder'))
    const finders = await t.request<{ users: { id: string }[] }>(
      'GET',
      '/api/v1/users?query=finder&limit=50',
      undefined,
      me.token,
    )
    expect(finders.body.users.map((u) => u.id)).toContain(other.user.id)
    expect(finders.body.users.some((u) => u.id === me.user.id)).toBe(false)
    expect((await t.request('GET', '/api/v1/users?limit=0', undefined, me.token)).status).toBe(400)
    expect((await t.request('GET', '/api/v1/users?bogus=1', undefined, me.token)).status).toBe(400)
    expect((await t.request('GET', '/api/v1/users')).status).toBe(401)
  })
})
