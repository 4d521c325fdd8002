/**
 * Playwright `_electron` end-to-end: launches the built app, checks the page is isolated (E1),
 * window.open is refused (E5), and the embedded server answers. Runs only where an Electron
 * binary exists (`npm run build` first); elsewhere it is reported as skipped, with the reason.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { electronBinary } from '../../scripts/electron-binary.js'

const root = path.resolve(import.meta.dirname, '../..')
const binary = electronBinary()
const built = existsSync(path.join(root, 'out/main/index.js'))
const reason =
  binary === null
    ? 'SKIPPED: no Electron binary on this machine (ELECTRON_SKIP_BINARY_DOWNLOAD); ' +
      'tests/main/index.test.ts runs this launch over the fake adapter instead'
    : 'SKIPPED: app not built (run npm run build)'
if (binary === null || !built) console.warn(`[tests/electron] ${reason}`)

describe.skipIf(binary === null || !built)(`Electron app (${reason})`, () => {
  it('launches hardened, with the preload API and the embedded server', async () => {
    const { _electron } = await import('playwright-core')
    const app = await _electron.launch({
      executablePath: binary ?? undefined,
      args: [path.join(root, 'out/main/index.js')],
      env: { ...process.env, ELECTRON_RENDERER_URL: '' },
    })
    try {
      const page = await app.firstWindow()
      expect(page.url()).toBe('app://veracall/index.html')
      expect(
        await page.evaluate(() => [
          typeof (globalThis as { require?: unknown }).require,
          typeof (globalThis as { process?: unknown }).process,
        ]),
      ).toEqual(['undefined', 'undefined'])
      expect(await page.evaluate(() => window.open('https://example.com') === null)).toBe(true)
      const info = await page.evaluate(async () => {
        const api = (
          window as unknown as {
            veracall: {
              serverGetInfo(): Promise<{ ok: boolean; value?: { localUrl: string | null } }>
            }
          }
        ).veracall
        return api.serverGetInfo()
      })
      expect(info.ok).toBe(true)
      expect(info.value?.localUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    } finally {
      await app.close()
    }
  })
})
