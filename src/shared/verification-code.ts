/**
 * The call's verification code (a short authentication string, like Signal's safety numbers).
 *
 * WebRTC media is encrypted end to end with DTLS-SRTP, and each side checks the other's DTLS
 * certificate against the fingerprint in the SDP it received. The signaling server carries that
 * SDP: a lying server could swap the fingerprints and sit in the middle with certificates of its
 * own. Then each person's local/remote fingerprint pair differs from the other's, and so does the
 * code both read out: derived from BOTH fingerprints, normalised and sorted so that the two ends
 * compute the same thing from their own local and remote descriptions.
 *
 * Limits (say them where the code is shown): 6 digits are 20 bits. An attacker who prepares a large
 * pool of certificates ahead can search it, during call set-up, for one whose code collides (about
 * a million SHA-256 evaluations), so the code stops a server that rewrites fingerprints, not one
 * built to grind them; a longer code or a hash commitment before the fingerprints are revealed
 * (ZRTP's scheme) would be needed for that.
 *
 * Isomorphic (WebCrypto's SHA-256, no Node or DOM imports) and dependency-free, so the renderer,
 * the main process and a test page can all load it.
 */

/** One `a=fingerprint:` attribute: hash function (lower case) and value (upper-case hex pairs). */
export interface DtlsFingerprint {
  algorithm: string
  value: string
}

export type VerificationCodeErrorCode = 'no_fingerprint' | 'bad_fingerprint'

export class VerificationCodeError extends Error {
  override name = 'VerificationCodeError'
  constructor(
    readonly code: VerificationCodeErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/** Digits in a code, shown as two groups of three. */
export const VERIFICATION_CODE_DIGITS = 6
/** Versions what is hashed, so a later scheme can never produce a matching code by accident. */
const CONTEXT = 'veracall-verification-code-v1'

const FINGERPRINT_LINE = /^a=fingerprint:(\S+)\s+(\S+)\s*$/i
const HASH_FUNCTION = /^[a-z0-9-]{1,16}$/
const HEX_PAIRS = /^[0-9A-F]{2}(?::[0-9A-F]{2}){15,63}$/

/**
 * Every distinct DTLS fingerprint of an SDP, at session or media level, normalised and sorted.
 * Throws `no_fingerprint` when there is none and `bad_fingerprint` for a line it can't read (a
 * description that can't be checked must never yield a code).
 */
export function sdpFingerprints(sdp: string, which = 'The description'): DtlsFingerprint[] {
  const found = new Map<string, DtlsFingerprint>()
  for (const line of sdp.split(/\r?\n/)) {
    if (!/^a=fingerprint:/i.test(line)) continue
    const match = FINGERPRINT_LINE.exec(line)
    const algorithm = match?.[1]?.toLowerCase() ?? ''
    const value = match?.[2]?.toUpperCase() ?? ''
    if (!HASH_FUNCTION.test(algorithm) || !HEX_PAIRS.test(value))
      throw new VerificationCodeError(
        'bad_fingerprint',
        `${which} has a DTLS fingerprint that can't be read: "${line.slice(0, 200)}"`,
      )
    found.set(`${algorithm} ${value}`, { algorithm, value })
  }
  if (found.size === 0)
    throw new VerificationCodeError(
      'no_fingerprint',
      `${which} has no DTLS fingerprint (a=fingerprint:), so the call can't be verified`,
    )
  return [...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, f]) => f)
}

const sideText = (fingerprints: readonly DtlsFingerprint[]): string =>
  fingerprints
    .map((f) => `${f.algorithm} ${f.value}`)
    .sort()
    .join(',')

/**
 * The code for one end's fingerprints and the other's: the two sides sorted (so the order of the
 * arguments doesn't matter), hashed with SHA-256, the first 48 bits reduced to 6 digits.
 */
export async function verificationCodeFrom(
  local: readonly DtlsFingerprint[],
  remote: readonly DtlsFingerprint[],
): Promise<string> {
  const sides = [sideText(local), sideText(remote)].sort()
  const input = new TextEncoder().encode([CONTEXT, ...sides].join('\n'))
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', input))
  // 48 bits fit a double exactly; their bias modulo 10^6 is below 4e-9.
  let number = 0
  for (const byte of digest.subarray(0, 6)) number = number * 256 + byte
  const digits = String(number % 10 ** VERIFICATION_CODE_DIGITS).padStart(
    VERIFICATION_CODE_DIGITS,
    '0',
  )
  return formatVerificationCode(digits)
}

/** "123456" → "123 456": two groups read out more reliably. */
export function formatVerificationCode(digits: string): string {
  return `${digits.slice(0, 3)} ${digits.slice(3)}`
}

/** The code from this end's local and remote SDP (e.g. pc.localDescription / remoteDescription). */
export async function verificationCode(localSdp: string, remoteSdp: string): Promise<string> {
  return verificationCodeFrom(
    sdpFingerprints(localSdp, 'The local description'),
    sdpFingerprints(remoteSdp, 'The remote description'),
  )
}
