import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  sdpFingerprints,
  verificationCode,
  verificationCodeFrom,
  VerificationCodeError,
} from '../../src/shared/verification-code.js'

const FP_A =
  'D1:7A:0C:3E:55:19:8B:F2:64:A0:7C:13:EE:42:9D:01:B8:36:5F:C4:70:2A:9E:81:0D:F6:33:C7:58:1B:E4:92'
const FP_B =
  '4C:E8:21:97:0A:B5:6D:F3:18:7E:C2:59:A4:30:8F:D6:65:0B:E1:47:9C:2D:73:B8:16:5A:F0:89:3E:C1:04:D7'

/** A minimal SDP as Chromium writes it: the fingerprint in each media section. */
function sdp(fingerprint: string, { sessionLevel = false, sections = 2 } = {}): string {
  const lines = ['v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0']
  if (sessionLevel) lines.push(`a=fingerprint:sha-256 ${fingerprint}`)
  for (let i = 0; i < sections; i++) {
    lines.push(`m=video 9 UDP/TLS/RTP/SAVPF 96`, 'c=IN IP4 0.0.0.0', `a=mid:${i}`)
    if (!sessionLevel) lines.push(`a=fingerprint:sha-256 ${fingerprint}`, 'a=setup:actpass')
  }
  return `${lines.join('\r\n')}\r\n`
}

describe('verification code', () => {
  it('reads the fingerprint at media or session level, once, normalised', () => {
    const expected = [{ algorithm: 'sha-256', value: FP_A }]
    expect(sdpFingerprints(sdp(FP_A))).toEqual(expected)
    expect(sdpFingerprints(sdp(FP_A, { sessionLevel: true }))).toEqual(expected)
    expect(sdpFingerprints(sdp(FP_A).replace('sha-256', 'SHA-256').toLowerCase())).toEqual(expected)
    // Two certificates (or hash functions) in one description: both, in a stable order.
    const two = `${sdp(FP_B)}a=fingerprint:sha-1 ${FP_A.split(':').slice(0, 20).join(':')}\n`
    expect(sdpFingerprints(two).map((f) => f.algorithm)).toEqual(['sha-1', 'sha-256'])
  })

  it('gives both ends the same code from their own local and remote descriptions', async () => {
    const alice = await verificationCode(sdp(FP_A), sdp(FP_B))
    const bob = await verificationCode(sdp(FP_B, { sessionLevel: true, sections: 1 }), sdp(FP_A))
    expect(alice).toMatch(/^\d{3} \d{3}$/)
    expect(bob).toBe(alice)
  })

  it('is SHA-256 over the two sorted fingerprints (known answer)', async () => {
    const sides = [`sha-256 ${FP_A}`, `sha-256 ${FP_B}`].sort()
    const digest = createHash('sha256')
      .update(['veracall-verification-code-v1', ...sides].join('\n'))
      .digest()
    const digits = String(digest.readUIntBE(0, 6) % 1_000_000).padStart(6, '0')
    expect(await verificationCode(sdp(FP_B), sdp(FP_A))).toBe(
      `${digits.slice(0, 3)} ${digits.slice(3)}`,
    )
  })

  it('changes when a fingerprint is rewritten, even by one byte', async () => {
    const honest = await verificationCode(sdp(FP_A), sdp(FP_B))
    const oneByte = FP_B.replace(/^4C/, '4D')
    expect(await verificationCode(sdp(FP_A), sdp(oneByte))).not.toBe(honest)
    // A man in the middle: each end sees the attacker's certificate instead of the other's.
    const mitm = FP_A.split(':').reverse().join(':')
    const alice = await verificationCodeFrom(sdpFingerprints(sdp(FP_A)), sdpFingerprints(sdp(mitm)))
    const bob = await verificationCodeFrom(sdpFingerprints(sdp(FP_B)), sdpFingerprints(sdp(mitm)))
    expect(alice).not.toBe(bob)
  })

  it('refuses a description with no fingerprint, or one it cannot read, saying which', async () => {
    const none = sdp(FP_A).replace(/a=fingerprint:.*\r\n/g, '')
    await expect(verificationCode(sdp(FP_A), none)).rejects.toThrow(
      'The remote description has no DTLS fingerprint (a=fingerprint:)',
    )
    await expect(verificationCode(none, sdp(FP_B))).rejects.toMatchObject({
      name: 'VerificationCodeError',
      code: 'no_fingerprint',
      message: expect.stringMatching(/^The local description/),
    })
    for (const bad of [
      'a=fingerprint:sha-256',
      'a=fingerprint:sha-256 not-hex',
      'a=fingerprint:sha-256 D1:7A:0C',
      `a=fingerprint:sha 256 ${FP_A}`,
      `a=fingerprint:sha-256 ${FP_A}:ZZ`,
    ]) {
      let error: unknown
      try {
        sdpFingerprints(`${sdp(FP_A)}${bad}\r\n`)
      } catch (e) {
        error = e
      }
      expect(error, bad).toBeInstanceOf(VerificationCodeError)
      expect((error as VerificationCodeError).code).toBe('bad_fingerprint')
    }
  })
})
