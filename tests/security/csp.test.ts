import type { Plugin } from 'vite'
import { describe, expect, it } from 'vitest'
import {
  HELMET_OPTIONS,
  securityHeaders,
} from '../../signaling-server/src/plugins/external/helmet.js'
import {
  buildCsp,
  buildMetaCsp,
  cspDirectives,
  type CspTarget,
} from '../../signaling-server/src/protocol/csp.js'
import electronViteConfig from '../../electron.vite.config.js'
import webViteConfig from '../../vite.config.js'

const TARGETS: readonly CspTarget[] = ['desktop', 'web']

/** The <meta> a build config's CSP plugin puts into index.html. */
function metaPolicy(plugins: unknown, name: string): string {
  const plugin = (plugins as Plugin[]).flat().find((p) => p?.name === name)
  const transform = plugin?.transformIndexHtml as (html: string) => unknown
  const result = transform('<html><head></head></html>') as
    { tags: { attrs: { content: string } }[] } | { attrs: { content: string } }[]
  const tags = Array.isArray(result) ? result : result.tags
  expect(tags).toHaveLength(1)
  return tags[0]?.attrs.content ?? ''
}

describe('renderer CSP (E3)', () => {
  it('production policy snapshot', () => {
    expect(buildCsp({ target: 'desktop', dev: false })).toMatchInlineSnapshot(
      `"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; media-src 'self' blob: mediastream:; font-src 'self'; connect-src 'self' https: wss: http: ws:; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'; frame-ancestors 'none'"`,
    )
    expect(buildCsp({ target: 'web', dev: false })).toMatchInlineSnapshot(
      `"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; font-src 'self'; connect-src 'self' https: wss: http: ws:; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'; frame-ancestors 'none'"`,
    )
  })

  it.each(TARGETS)(
    '%s: production has default-src none, script-src self only, no unsafe-*, no wildcard source',
    (target) => {
      const d = cspDirectives({ target, dev: false })
      expect(d['default-src']).toEqual(["'none'"])
      expect(d['script-src']).toEqual(["'self'"])
      const policy = buildCsp({ target, dev: false })
      expect(policy).not.toContain("'unsafe-eval'")
      expect(policy).not.toContain("'unsafe-inline'")
      for (const values of Object.values(d)) {
        // Port wildcards on loopback are fine; a bare * (any host) is not.
        expect(values.filter((v) => v === '*' || v.startsWith('*.') || v.includes('://*'))).toEqual(
          [],
        )
      }
    },
  )

  it('the desktop policy allows no data: (main blocks the scheme); the web one differs only there', () => {
    expect(buildCsp({ target: 'desktop', dev: false })).not.toContain('data:')
    const desktop = cspDirectives({ target: 'desktop', dev: false })
    const web = cspDirectives({ target: 'web', dev: false })
    expect({ ...web, 'img-src': desktop['img-src'] }).toEqual(desktop)
    expect(web['img-src']).toEqual(["'self'", 'data:', 'blob:'])
  })

  it.each(TARGETS)(
    '%s: lets the renderer reach a shared LAN server over plain http/ws (E22), in both copies',
    (target) => {
      // Before: only loopback was allowed, so http://192.168.1.20:47800 was refused by connect-src.
      for (const policy of [
        buildCsp({ target, dev: false }),
        buildMetaCsp({ target, dev: false }),
      ]) {
        const connect = /connect-src ([^;]*)/.exec(policy)?.[1]?.split(' ') ?? []
        expect(connect).toEqual(expect.arrayContaining(['http:', 'ws:']))
      }
      // Main's request filter is what keeps plain http/ws off public hosts (private-network.test).
    },
  )

  it.each(TARGETS)('%s: dev relaxations exist only in dev and still never allow eval', (target) => {
    const dev = buildCsp({ target, dev: true, devServerOrigin: 'http://localhost:5173' })
    expect(dev).toContain("'unsafe-inline'")
    expect(dev).toContain('ws://localhost:5173')
    expect(dev).not.toContain("'unsafe-eval'")
  })

  it.each(TARGETS)('%s: the meta policy is the header policy minus frame-ancestors', (target) => {
    expect(buildMetaCsp({ target, dev: false })).toBe(
      buildCsp({ target, dev: false }).replace("; frame-ancestors 'none'", ''),
    )
  })

  it("the three hosts send the one builder's policy: server header, web <meta>, desktop <meta>", () => {
    // helmet serialises with ';' and no space; same directives, same order.
    expect(securityHeaders(HELMET_OPTIONS)['content-security-policy']).toBe(
      buildCsp({ target: 'web', dev: false }).replaceAll('; ', ';'),
    )
    expect(metaPolicy(webViteConfig.plugins, 'veracall-csp-meta')).toBe(
      buildMetaCsp({ target: 'web', dev: false }),
    )
    const renderer = (electronViteConfig as { renderer?: { plugins?: unknown } }).renderer
    expect(metaPolicy(renderer?.plugins, 'veracall-electron-csp-meta')).toBe(
      buildMetaCsp({ target: 'desktop', dev: false }),
    )
    // Main's app:// header is checked against buildCsp in tests/main/start-services.test.ts and
    // tests/desktop-bundle (which builds the bundle itself, so it never skips for want of a build).
  })
})
