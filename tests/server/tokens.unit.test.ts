import { createHmac, createSecretKey, generateKeyPairSync } from 'node:crypto'
import { errors, jwtVerify, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { ClaimsCache } from '../../signaling-server/src/auth/claims-cache.js'
import { verifyHs256, type Hs256Result } from '../../signaling-server/src/auth/hs256.js'
import {
  createTokenService,
  InvalidTokenError,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
} from '../../signaling-server/src/auth/tokens.js'

const SECRET = 'a test secret that is at least 32 bytes long'
const key = createSecretKey(Buffer.from(SECRET))
const NOW_S = 1_800_000_000
const checks = { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, required: ['sub'], nowS: NOW_S }

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
const hmac = (input: string, secret = SECRET): string =>
  createHmac('sha256', secret).update(input).digest('base64url')
/** A token assembled by hand, so any header, claim or signature can be bent. */
function token(
  payload: unknown,
  header: unknown = { alg: 'HS256', typ: 'JWT' },
  secret = SECRET,
): string {
  const signed = `${b64(header)}.${b64(payload)}`
  return `${signed}.${hmac(signed, secret)}`
}
const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  sub: 'user-1',
  username: 'ada',
  iss: TOKEN_ISSUER,
  aud: TOKEN_AUDIENCE,
  iat: NOW_S - 10,
  exp: NOW_S + 3600,
  ...extra,
})

type Verdict = Hs256Result['ok'] | 'expired'

/** What jose's jwtVerify (the previous verifier) says about the same token at the same instant. */
async function joseOutcome(jwt: string): Promise<Verdict> {
  try {
    await jwtVerify(jwt, key, {
      algorithms: ['HS256'],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
      currentDate: new Date(NOW_S * 1000),
    })
    return true
  } catch (error) {
    return error instanceof errors.JWTExpired ? 'expired' : false
  }
}
const outcome = (result: Hs256Result): Verdict =>
  result.ok ? true : result.reason === 'expired' ? 'expired' : false

const rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
const good = token(claims())
const [goodHeader, goodPayload, goodSignature] = good.split('.') as [string, string, string]

/** `jose` is set where the new check is deliberately stricter than jose was. */
const CASES: Record<string, { jwt: string; expected: Verdict; jose?: Verdict }> = {
  valid: { jwt: good, expected: true },
  'audience in an array': {
    jwt: token(claims({ aud: ['other', TOKEN_AUDIENCE] })),
    expected: true,
  },
  'nbf in the past': { jwt: token(claims({ nbf: NOW_S - 1 })), expected: true },
  'nbf now': { jwt: token(claims({ nbf: NOW_S })), expected: true },
  'alg none, unsigned': { jwt: `${b64({ alg: 'none' })}.${b64(claims())}.`, expected: false },
  'alg none, signed anyway': { jwt: token(claims(), { alg: 'none' }), expected: false },
  'alg missing': { jwt: token(claims(), { typ: 'JWT' }), expected: false },
  'alg HS512': { jwt: token(claims(), { alg: 'HS512' }), expected: false },
  'alg hs256 (case)': { jwt: token(claims(), { alg: 'hs256' }), expected: false },
  'alg RS256 with an RSA signature': { jwt: '', expected: false },
  // jose understands the b64 extension; nothing here needs any critical header.
  'crit header': {
    jwt: token(claims(), { alg: 'HS256', crit: ['b64'], b64: true }),
    expected: false,
    jose: true,
  },
  'wrong secret': { jwt: token(claims(), undefined, `${SECRET}!`), expected: false },
  'payload changed after signing': {
    jwt: `${goodHeader}.${b64(claims({ sub: 'admin' }))}.${goodSignature}`,
    expected: false,
  },
  'exp missing': { jwt: token(claims({ exp: undefined })), expected: false },
  'exp a string': { jwt: token(claims({ exp: String(NOW_S + 3600) })), expected: false },
  'exp now (expired)': { jwt: token(claims({ exp: NOW_S })), expected: 'expired' },
  'exp past': { jwt: token(claims({ exp: NOW_S - 1 })), expected: 'expired' },
  'nbf in the future': { jwt: token(claims({ nbf: NOW_S + 1 })), expected: false },
  'nbf a string': { jwt: token(claims({ nbf: 'soon' })), expected: false },
  'iat a string': { jwt: token(claims({ iat: 'then' })), expected: false },
  'sub missing': { jwt: token(claims({ sub: undefined })), expected: false },
  'iss wrong': { jwt: token(claims({ iss: 'someone-else' })), expected: false },
  'iss missing': { jwt: token(claims({ iss: undefined })), expected: false },
  'aud wrong': { jwt: token(claims({ aud: 'other' })), expected: false },
  'aud missing': { jwt: token(claims({ aud: undefined })), expected: false },
  'aud a number': { jwt: token(claims({ aud: 7 })), expected: false },
  'two segments': { jwt: `${goodHeader}.${goodPayload}`, expected: false },
  'four segments': { jwt: `${good}.${goodSignature}`, expected: false },
  'empty signature': { jwt: `${goodHeader}.${goodPayload}.`, expected: false },
  'empty header': { jwt: `.${goodPayload}.${goodSignature}`, expected: false },
  // A compact JWS is unpadded base64url (RFC 7515 §2); jose's decoder tolerates the padding.
  'padded base64': {
    jwt: `${goodHeader}.${goodPayload}.${goodSignature}=`,
    expected: false,
    jose: true,
  },
  'standard base64 characters': {
    jwt: `${goodHeader}.${goodPayload}.${goodSignature.replace(/-/g, '+').replace(/_/g, '/')}x`,
    expected: false,
  },
  'header not JSON': (() => {
    const signed = `${Buffer.from('{alg:HS256').toString('base64url')}.${goodPayload}`
    return { jwt: `${signed}.${hmac(signed)}`, expected: false as const }
  })(),
  'header an array': { jwt: token(claims(), ['HS256']), expected: false },
  'payload not JSON': (() => {
    const signed = `${goodHeader}.${Buffer.from('not json').toString('base64url')}`
    return { jwt: `${signed}.${hmac(signed)}`, expected: false as const }
  })(),
  'payload null': { jwt: token(null), expected: false },
  'payload an array': { jwt: token([claims()]), expected: false },
  'not a JWT at all': { jwt: 'not.a.jwt', expected: false },
  empty: { jwt: '', expected: false },
}

describe('verifyHs256: the synchronous HS256 check (D1)', async () => {
  CASES['alg RS256 with an RSA signature'] = {
    jwt: await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256' }).sign(rsaKey),
    expected: false,
  }

  it.each(Object.keys(CASES))('%s', async (name) => {
    const { jwt, expected, jose = expected } = CASES[name] as (typeof CASES)[string]
    expect(outcome(verifyHs256(jwt, key, checks))).toBe(expected)
    // The verdict of jose's jwtVerify with the options the server used before (the same but
    // where marked stricter).
    expect(await joseOutcome(jwt)).toBe(jose)
  })

  it('accepts what jose signs, and reads its claims', async () => {
    const jwt = await new SignJWT({ username: 'ada' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('user-1')
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setExpirationTime(NOW_S + 60)
      .sign(key)
    const result = verifyHs256(jwt, key, checks)
    expect(result).toEqual({ ok: true, payload: expect.objectContaining({ sub: 'user-1' }) })
  })

  it('refuses a re-encoded signature that decodes to the same bytes (stricter than decoding)', () => {
    // 32 bytes in 43 characters leave 2 unused bits in the last one: flip them.
    const last = goodSignature.at(-1) as string
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const twin = alphabet[alphabet.indexOf(last) ^ 1] as string
    const reencoded = `${goodHeader}.${goodPayload}.${goodSignature.slice(0, -1)}${twin}`
    expect(Buffer.from(reencoded.split('.')[2] as string, 'base64url')).toEqual(
      Buffer.from(goodSignature, 'base64url'),
    )
    expect(verifyHs256(reencoded, key, checks)).toEqual({ ok: false, reason: 'invalid' })
  })
})

describe('token service: verified claims are cached until expiry', () => {
  const user = { id: 'user-1', username: 'ada', display_name: 'Ada' }

  it('signs tokens it verifies, with the configured lifetime', async () => {
    let nowMs = NOW_S * 1000
    const tokens = createTokenService(SECRET, 3600, { now: () => nowMs })
    const jwt = await tokens.sign(user)
    expect(tokens.verify(jwt)).toEqual({ userId: 'user-1', username: 'ada', exp: NOW_S + 3600 })
    nowMs += 3599_999
    expect(tokens.verify(jwt).userId).toBe('user-1')
    nowMs += 1
    // Cached, yet refused once its expiry passes, as 'expired'.
    expect(() => tokens.verify(jwt)).toThrow(
      expect.objectContaining({ name: 'InvalidTokenError', reason: 'expired' }),
    )
  })

  it('never caches a refusal, and a forged token stays refused after a real one was cached', async () => {
    const nowMs = NOW_S * 1000
    const tokens = createTokenService(SECRET, 3600, { now: () => nowMs })
    const jwt = await tokens.sign(user)
    tokens.verify(jwt)
    const [h, , s] = jwt.split('.')
    const forged = `${h}.${b64(claims({ sub: 'admin' }))}.${s}`
    for (let i = 0; i < 2; i++) expect(() => tokens.verify(forged)).toThrow(InvalidTokenError)
  })

  it('keeps an entry that is hit while newer ones pass through a large cache', () => {
    const cache = new ClaimsCache<{ exp: number }>(100)
    cache.set('hot', { exp: 10 })
    // 1000 other tokens pass through; the hot one is looked up between each.
    for (let i = 0; i < 1000; i++) {
      cache.set(`cold-${i}`, { exp: 10 })
      expect(cache.get('hot', 0)).toBeDefined()
    }
    expect(cache.size).toBe(100)
    expect(cache.get('cold-0', 0)).toBeUndefined()
    expect(cache.get('cold-999', 0)).toBeDefined()
  })

  it('keeps at most its capacity, dropping the least recently used', () => {
    const cache = new ClaimsCache<{ exp: number }>(2)
    cache.set('a', { exp: 10 })
    cache.set('b', { exp: 10 })
    expect(cache.get('a', 0)).toBeDefined() // a is now the most recent
    cache.set('c', { exp: 10 })
    expect(cache.size).toBe(2)
    expect(cache.get('b', 0)).toBeUndefined()
    expect(cache.get('a', 0)).toBeDefined()
    expect(cache.get('c', 0)).toBeDefined()
    expect(cache.get('c', 10)).toBeUndefined() // expired: gone
    expect(cache.size).toBe(1)
  })
})
