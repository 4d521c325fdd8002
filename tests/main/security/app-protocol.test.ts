import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createAppProtocolHandler,
  resolveAppPath,
} from '../../../src/main/security/app-protocol.js'
import {
  BLOCKED_SCHEMES,
  installBlockedSchemes,
  isBlockedSchemeUrl,
} from '../../../src/main/security/blocked-schemes.js'
import { FakeSession } from '../fakes.js'

let base: string
let root: string

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'veracall-proto-'))
  root = path.join(base, 'renderer')
  await mkdir(path.join(root, 'assets'), { recursive: true })
  await writeFile(path.join(root, 'index.html'), '<!doctype html><title>x</title>')
  await writeFile(path.join(root, 'assets', 'app.js'), 'console.log(1)')
  await writeFile(path.join(base, 'secret.txt'), 'top secret')
  await symlink(path.join(base, 'secret.txt'), path.join(root, 'assets', 'link.txt'))
  await symlink(base, path.join(root, 'up'))
})
afterAll(async () => {
  await rm(base, { recursive: true, force: true })
})

describe('app:// handler is confined to the renderer folder (E10)', () => {
  const handler = () => createAppProtocolHandler({ root, csp: () => "default-src 'none'" })

  it('serves an existing asset with its type and the CSP header', async () => {
    const response = await handler()(new Request('app://veracall/assets/app.js'))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/javascript')
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'")
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await response.text()).toBe('console.log(1)')
  })

  it('serves index.html for the root', async () => {
    const response = await handler()(new Request('app://veracall/'))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/html')
  })

  it.each([
    'app://veracall/..%2f..%2fsecret.txt',
    'app://veracall/%2e%2e/secret.txt',
    'app://veracall/assets/..%2f..%2f..%2fsecret.txt',
    'app://veracall/..%5csecret.txt',
    'app://veracall/%2fetc%2fpasswd',
    'app://veracall//etc/passwd',
    'app://veracall/assets/link.txt',
    'app://veracall/up/secret.txt',
    'app://veracall/index.html%00.js',
    'app://veracall/missing.js',
    'app://other/index.html',
    'app://veracall.evil/index.html',
  ])('%s is refused without reading outside', async (url) => {
    const response = await handler()(new Request(url))
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(await response.text()).not.toContain('top secret')
  })

  it('refuses a malformed escape and non-GET methods', async () => {
    expect(await resolveAppPath('app://veracall/%E0%A4%A', root)).toEqual({
      ok: false,
      status: 400,
    })
    const post = await handler()(new Request('app://veracall/index.html', { method: 'POST' }))
    expect(post.status).toBe(405)
  })
})

describe('blocked schemes (E11)', () => {
  it('takes over file: with a 404, the one built-in scheme protocol.handle intercepts', async () => {
    const session = new FakeSession()
    expect(installBlockedSchemes(session, () => undefined)).toBe(true)
    expect([...session.protocol.handled.keys()]).toEqual(['file'])
    const response = await session.protocol.handled.get('file')?.(new Request('file:///etc/passwd'))
    expect(response?.status).toBe(404)
  })

  it('logs and continues when file: cannot be intercepted', () => {
    const session = new FakeSession()
    session.protocol.refuse.add('file')
    const logs: string[] = []
    expect(installBlockedSchemes(session, (m) => logs.push(m))).toBe(false)
    expect(logs).toHaveLength(1)
  })

  it('names every listed scheme as blocked, and none the app uses', () => {
    for (const scheme of BLOCKED_SCHEMES)
      expect(isBlockedSchemeUrl(`${scheme}:x`), scheme).toBe(true)
    for (const url of ['https://a.example/', 'wss://a.example/', 'app://veracall/', 'blob:x'])
      expect(isBlockedSchemeUrl(url), url).toBe(false)
  })
})
