import { describe, expect, it } from 'vitest'
import { buildCsp, buildMetaCsp, cspDirectives } from '../../src/main/security/csp.js'

describe('renderer CSP (E3)', () => {
  it('production policy snapshot', () => {
    expect(buildCsp({ dev: false })).toMatchInlineSnapshot(
      `"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; media-src 'self' blob: mediastream:; font-src 'self'; connect-src 'self' https: wss: http: ws:; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'; frame-ancestors 'none'"`,
    )
  })

  it('production has default-src none, script-src self only, no unsafe-*, no wildcard source', () => {
    const d = cspDirectives({ dev: false })
    expect(d['default-src']).toEqual(["'none'"])
    expect(d['script-src']).toEqual(["'self'"])
    const policy = buildCsp({ dev: false })
    expect(policy).not.toContain("'unsafe-eval'")
    expect(policy).not.toContain("'unsafe-inline'")
    expect(policy).not.toContain('data:')
    for (const values of Object.values(d)) {
      // Port wildcards on loopback are fine; a bare * (any host) is not.
      expect(values.filter((v) => v === '*' || v.startsWith('*.') || v.includes('://*'))).toEqual(
        [],
      )
    }
  })

  it('lets the renderer reach a shared LAN server over plain http/ws (E22), in both copies', () => {
    // Before: only loopback was allowed, so http://192.168.1.20:47800 was refused by connect-src.
    for (const policy of [buildCsp({ dev: false }), buildMetaCsp({ dev: false })]) {
      const connect = /connect-src ([^;]*)/.exec(policy)?.[1]?.split(' ') ?? []
      expect(connect).toEqual(expect.arrayContaining(['http:', 'ws:']))
    }
    // Main's request filter is what keeps plain http/ws off public hosts (private-network.test).
  })

  it('dev relaxations exist only in dev and still never allow eval', () => {
    const dev = buildCsp({ dev: true, devServerOrigin: 'http://localhost:5173' })
    expect(dev).toContain("'unsafe-inline'")
    expect(dev).toContain('ws://localhost:5173')
    expect(dev).not.toContain("'unsafe-eval'")
  })

  it('the meta policy is the header policy minus frame-ancestors', () => {
    expect(buildMetaCsp({ dev: false })).toBe(
      buildCsp({ dev: false }).replace("; frame-ancestors 'none'", ''),
    )
  })
  // The built index.html's <meta> is checked against buildMetaCsp in tests/desktop-bundle, which
  // builds the bundle itself (so it never skips for want of a build).
})
