import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto'

/** Why a token was refused: `expired` lets the client say "sign in again" rather than "invalid". */
export type TokenFailure = 'expired' | 'invalid'

export type Hs256Result =
  { ok: true; payload: Readonly<Record<string, unknown>> } | { ok: false; reason: TokenFailure }

export interface Hs256Checks {
  issuer: string
  audience: string
  /** Claims that must be present (jose's `requiredClaims`); `exp` always is. */
  required: readonly string[]
  /** Current time, seconds since the epoch. */
  nowS: number
}

// Compact JWS segments: unpadded base64url only. Node's decoder skips anything else silently.
const SEGMENT = /^[A-Za-z0-9_-]+$/
const NUMERIC_CLAIMS = ['exp', 'nbf', 'iat'] as const

const invalid: Hs256Result = { ok: false, reason: 'invalid' }

function decodeObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Verifies a compact HS256 JWT synchronously with node:crypto, with the checks jose's `jwtVerify`
 * makes for `{ algorithms: ['HS256'], issuer, audience, requiredClaims }` and no clock tolerance:
 * jose goes through WebCrypto, one thread-pool job per token, which was the REST path's largest cost.
 * The signature is compared as its canonical base64url text in constant time, so a re-encoded
 * signature (different unused bits) is refused too.
 */
export function verifyHs256(token: string, key: KeyObject, checks: Hs256Checks): Hs256Result {
  const parts = token.split('.')
  if (parts.length !== 3) return invalid
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string]
  if (!SEGMENT.test(headerPart) || !SEGMENT.test(payloadPart) || !SEGMENT.test(signaturePart))
    return invalid

  const header = decodeObject(headerPart)
  // Only HS256 (never `none`, another HMAC or an asymmetric alg), and no critical extension we
  // would have to understand (jose refuses unknown `crit` too).
  if (header?.alg !== 'HS256' || 'crit' in header) return invalid

  const expected = Buffer.from(
    createHmac('sha256', key).update(`${headerPart}.${payloadPart}`).digest('base64url'),
  )
  const given = Buffer.from(signaturePart)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid

  const payload = decodeObject(payloadPart)
  if (!payload) return invalid
  for (const claim of ['exp', ...checks.required])
    if (!(claim in payload) || payload[claim] === undefined) return invalid
  for (const claim of NUMERIC_CLAIMS)
    if (
      claim in payload &&
      (typeof payload[claim] !== 'number' || !Number.isFinite(payload[claim]))
    )
      return invalid
  if (payload.iss !== checks.issuer) return invalid
  const aud = payload.aud
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : []
  if (!audiences.includes(checks.audience)) return invalid
  if (typeof payload.nbf === 'number' && payload.nbf > checks.nowS) return invalid
  if ((payload.exp as number) <= checks.nowS) return { ok: false, reason: 'expired' }
  return { ok: true, payload }
}
