import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

const KEY_BYTES = 32
const SALT_BYTES = 16
const R = 8
const P = 1

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; allow twice that so a raised cost never trips the default cap.
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r }
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  )
}

/** `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>`: the parameters travel with the hash. */
export async function hashPassword(password: string, n: number): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(password, salt, n, R, P)
  return ['scrypt', Math.log2(n), R, P, salt.toString('base64'), key.toString('base64')].join('$')
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, log2n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !log2n || !r || !p || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64')
  const actual = await derive(
    password,
    Buffer.from(salt, 'base64'),
    2 ** Number(log2n),
    Number(r),
    Number(p),
  )
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

/**
 * A hash to check a password against when the user does not exist, so that an unknown name costs
 * as much time as a wrong password and the two can't be told apart.
 */
export function createDummyHash(n: number): () => Promise<string> {
  let dummy: Promise<string> | undefined
  return () => (dummy ??= hashPassword(randomBytes(16).toString('hex'), n))
}
