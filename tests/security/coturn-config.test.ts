import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { HARDENED_CONFIG } from '../e2e/coturn.js'

/**
 * The hardened coturn example, read as coturn reads it (comments dropped): what must be there and
 * what must never be. tests/e2e/turn-relay.test.ts runs it; this holds even without coturn.
 */
const options = readFileSync(HARDENED_CONFIG, 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'))
const keys = options.map((line) => line.split('=')[0] ?? '')
const values = (key: string): string[] =>
  options.filter((line) => line.startsWith(`${key}=`)).map((line) => line.slice(key.length + 1))

describe('hardened coturn example (signaling-server/deploy/coturn/turnserver.conf)', () => {
  it('accepts only REST-API credentials and has no admin surface', () => {
    for (const key of [
      'use-auth-secret',
      'static-auth-secret',
      'fingerprint',
      'stale-nonce',
      'no-cli',
      'no-software-attribute',
      'no-rfc5780',
      'no-tlsv1',
      'no-tlsv1_1',
      'no-multicast-peers',
      'no-tcp-relay',
      'proc-user',
    ])
      expect(keys, key).toContain(key)
    for (const key of ['allow-loopback-peers', 'lt-cred-mech', 'user', 'web-admin', 'server-relay'])
      expect(keys, key).not.toContain(key)
    // A placeholder that can't be mistaken for a real secret.
    expect(values('static-auth-secret')).toEqual(['CHANGE-ME-to-the-same-value-as-TURN_SECRET'])
  })

  it('denies relaying to loopback, private, link-local and unique-local ranges', () => {
    const denied = values('denied-peer-ip')
    for (const range of [
      '0.0.0.0-0.255.255.255',
      '10.0.0.0-10.255.255.255',
      '100.64.0.0-100.127.255.255',
      '127.0.0.0-127.255.255.255',
      '169.254.0.0-169.254.255.255',
      '172.16.0.0-172.31.255.255',
      '192.168.0.0-192.168.255.255',
      '::1',
      '::ffff:0.0.0.0-::ffff:255.255.255.255',
      'fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      'fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    ])
      expect(denied, range).toContain(range)
    expect(values('allowed-peer-ip')).toEqual([])
  })

  it('caps what one user and the whole server may use', () => {
    for (const key of ['user-quota', 'total-quota', 'max-bps', 'max-allocate-lifetime']) {
      const [value] = values(key)
      expect(Number(value), key).toBeGreaterThan(0)
    }
  })
})
