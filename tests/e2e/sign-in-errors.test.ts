import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { createSignalingServer, type SignalingServer } from 'veracall-signaling'
import { launchChromium, startStack, type Stack } from './harness.js'
import { describeInChromium } from './suite.js'

const run = describeInChromium('sign-in-errors')

/** A plain HTTP server that is not Veracall: 404 HTML, readable cross-origin or not. */
async function otherServer(cors: boolean): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => {
    response.writeHead(404, {
      'content-type': 'text/html',
      ...(cors && { 'access-control-allow-origin': '*' }),
    })
    response.end('<h1>Not Found</h1>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

/**
 * Item 19: the sign-in screen tells apart a server that refuses the page's origin (a Veracall
 * server without CORS_ORIGINS), a server that is not Veracall, one that does not answer, and an
 * address that is not one — in a real browser, where CORS decides what the page can see.
 */
run('sign-in errors (Chromium, real servers on loopback)', { timeout: 90_000 }, () => {
  let stack: Stack
  let browser: Browser
  let bare: SignalingServer
  let bareUrl: string
  type Other = { server: Server; url: string }
  let others: [Other, Other]
  const dir = mkdtempSync(join(tmpdir(), 'veracall-signin-e2e-'))

  beforeAll(async () => {
    bare = createSignalingServer({
      env: {
        JWT_SECRET: randomBytes(40).toString('hex'),
        DB_PATH: join(dir, 'bare.db'),
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
      },
    })
    ;[stack, browser, { url: bareUrl }, others] = await Promise.all([
      startStack(),
      launchChromium(),
      bare.start(),
      Promise.all([otherServer(false), otherServer(true)]),
    ])
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await Promise.all(others?.map(({ server }) => new Promise((r) => server.close(r))) ?? [])
    await bare?.stop()
    await stack?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('names the cause of each failure', async () => {
    // A port nothing listens on: open one and close it.
    const closed = await otherServer(false)
    await new Promise((r) => closed.server.close(r))
    const [noCors, withCors] = others
    const page = await browser.newPage()
    try {
      await page.goto(stack.url)
      const origin = new URL(stack.url).origin
      const attempt = async (server: string) => {
        await page.getByLabel('Server').fill(server)
        await page.getByLabel('Username').fill('someone')
        await page.getByLabel('Password').fill('some password')
        await page.getByRole('button', { name: 'Sign in', exact: true }).click()
        const alert = page.getByRole('alert')
        await alert.waitFor()
        const result = {
          code: await alert.getAttribute('data-code'),
          text: await alert.textContent(),
        }
        await page.getByLabel('Server').fill('')
        return result
      }
      const refused = await attempt(bareUrl)
      expect(refused.code).toBe('cors_refused')
      expect(refused.text).toContain('CORS_ORIGINS')
      expect(refused.text).toContain(origin)
      expect((await attempt(noCors.url)).code).toBe('cors_refused')
      expect((await attempt(withCors.url)).code).toBe('not_veracall')
      expect((await attempt(closed.url)).code).toBe('unreachable')
      expect((await attempt('http//localhost:8000')).code).toBe('invalid_url')
    } finally {
      await page.close()
    }
  })
})
