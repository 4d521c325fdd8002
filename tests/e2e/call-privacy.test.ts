/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The verification code and local recording through the real server in real Chromium: both
 * people see the same code, record their choice in the call's report, and a relay that rewrites
 * one DTLS fingerprint in transit gives them different codes; one person records, the other sees
 * the banner until they stop, and the recording is a non-empty WebM download.
 */
import { readFile } from 'node:fs/promises'
import { expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import {
  closePerson,
  expectVideoPlaying,
  registerPerson,
  searchAndCall,
  shot,
  type Person,
} from './harness.js'
import { describeInChromium, withStackAndBrowser } from './suite.js'

const run = describeInChromium('call-privacy')

/** The code a page shows, once it shows one. */
async function shownCode(page: Page): Promise<string> {
  const code = page.getByTestId('verification-code')
  await code.waitFor({ timeout: 30_000 })
  return (await code.textContent()) ?? ''
}

/**
 * Runs in the page before the app: every answer this page sends carries another certificate's
 * fingerprint, as a signaling relay in the middle would rewrite it (the page's own socket is the
 * first hop of that path, so the server and the other page see only the rewritten answer).
 */
function tamperAnswers(): void {
  const forged = Array.from({ length: 32 }, (_, i) =>
    ((i * 37 + 11) % 256).toString(16).padStart(2, '0'),
  )
    .join(':')
    .toUpperCase()
  const send = WebSocket.prototype.send
  WebSocket.prototype.send = function (this: WebSocket, data) {
    if (typeof data === 'string' && data.includes('"type":"answer"'))
      data = data.replace(/a=fingerprint:sha-256 [0-9A-F:]+/g, `a=fingerprint:sha-256 ${forged}`)
    return send.call(this, data)
  }
}

async function accept(person: Person): Promise<void> {
  const zh = person.labels.hangUp === '挂断'
  await person.page.getByRole('alertdialog').waitFor()
  await person.page.getByRole('button', { name: zh ? '接听' : 'Accept' }).click()
}

run(
  'verification code and recording end to end (Chromium, real server)',
  { timeout: 120_000 },
  () => {
    const env = withStackAndBrowser()

    it('shows both people the same code, keyboard reachable, and keeps the choice in the report', async () => {
      const alice = await registerPerson(env.browser, env.stack.url, 'Alice Martin')
      const bob = await registerPerson(env.browser, env.stack.url, 'Bob Chen', {
        language: 'zh-CN',
      })
      await searchAndCall(alice, bob, 'video')
      await accept(bob)
      await alice.page.locator('main.call[data-phase="active"]').waitFor({ timeout: 30_000 })
      const [a, b] = await Promise.all([shownCode(alice.page), shownCode(bob.page)])
      expect(a).toMatch(/^\d{3} \d{3}$/)
      expect(b).toBe(a)
      await alice.page.getByText('Compare this code with the other person').waitFor()
      await bob.page.getByText('请与对方核对此验证码').waitFor()

      // Keyboard only: Tab reaches "Matches", Space presses it.
      const matches = alice.page.getByRole('button', { name: 'Matches', exact: true })
      let reached = false
      for (let i = 0; i < 40 && !reached; i++) {
        await alice.page.keyboard.press('Tab')
        reached = await matches.evaluate((el) => el === document.activeElement)
      }
      expect(reached).toBe(true)
      await alice.page.keyboard.press('Space')
      await expect.poll(() => matches.getAttribute('aria-pressed')).toBe('true')
      await alice.page.getByText('You confirmed the codes match.').waitFor()
      await shot(alice.page, '20-verification-code')
      await bob.page.getByRole('button', { name: '一致', exact: true }).click()
      await shot(bob.page, '21-verification-code-zh-CN')

      await alice.page.getByRole('button', { name: 'Hang up' }).click()
      await alice.page.getByRole('heading', { name: 'Call ended' }).waitFor()
      const report = alice.page.getByTestId('verification-report')
      await report.waitFor()
      expect(await report.textContent()).toBe(`${a}: the codes matched`)
      expect(alice.consoleErrors.filter((e) => /verification/.test(e))).toEqual([])
      await closePerson(alice)
      await closePerson(bob)
    })

    it('gives the two people different codes when a relay rewrites one fingerprint', async () => {
      const carol = await registerPerson(env.browser, env.stack.url, 'Carol Diaz')
      const dave = await registerPerson(env.browser, env.stack.url, 'Dave Kim', {
        initScript: tamperAnswers,
      })
      await searchAndCall(carol, dave, 'video')
      await accept(dave)
      const [c, d] = await Promise.all([shownCode(carol.page), shownCode(dave.page)])
      expect(c).toMatch(/^\d{3} \d{3}$/)
      expect(d).toMatch(/^\d{3} \d{3}$/)
      expect(c).not.toBe(d)
      // DTLS refuses the certificate that does not match the forged fingerprint: no media flows.
      expect(await carol.page.locator('main.call').getAttribute('data-connection')).not.toBe(
        'connected',
      )
      await carol.page.getByRole('button', { name: 'Doesn’t match', exact: true }).click()
      await carol.page.getByRole('alert').filter({ hasText: 'The codes differ' }).waitFor()
      await carol.page.getByRole('button', { name: 'Hang up' }).click()
      await closePerson(carol)
      await closePerson(dave)
    })

    it('tells the other person while one records, and saves a WebM when they stop', async () => {
      const alice = await registerPerson(env.browser, env.stack.url, 'Alice Martin')
      const bob = await registerPerson(env.browser, env.stack.url, 'Bob Chen', {
        language: 'zh-CN',
      })
      await searchAndCall(alice, bob, 'video')
      await accept(bob)
      await Promise.all([expectVideoPlaying(alice.page), expectVideoPlaying(bob.page)])

      // Alice records: Bob's app says so, in his language, until she stops.
      await alice.page.getByRole('button', { name: 'Record call' }).click()
      await alice.page.getByTestId('recording-self').waitFor()
      const bobBanner = bob.page.getByTestId('recording-banner')
      await bobBanner.waitFor()
      expect(await bobBanner.textContent()).toBe('Alice Martin 正在录制此通话')
      await shot(bob.page, '23-recording-banner-zh-CN')
      // Bob records too (keyboard: focus the button, Enter): Alice sees the banner in English.
      await bob.page.getByRole('button', { name: '录制通话' }).focus()
      await bob.page.keyboard.press('Enter')
      const aliceBanner = alice.page.getByTestId('recording-banner')
      await aliceBanner.waitFor()
      expect(await aliceBanner.textContent()).toBe('Bob Chen is recording this call')
      await shot(alice.page, '22-recording-banner')

      // Stop: the banner goes and the browser downloads the file.
      const [download] = await Promise.all([
        alice.page.waitForEvent('download'),
        alice.page.getByRole('button', { name: 'Stop recording' }).click(),
      ])
      await bobBanner.waitFor({ state: 'detached' })
      expect(download.suggestedFilename()).toBe('Veracall call with Bob Chen.webm')
      const bytes = await readFile(await download.path())
      expect(bytes.length).toBeGreaterThan(1000)
      // The EBML magic number every WebM file starts with.
      expect([...bytes.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3])

      // Bob is still recording when the call ends: it stops and is saved, and his banner is gone.
      const [bobDownload] = await Promise.all([
        bob.page.waitForEvent('download'),
        alice.page.getByRole('button', { name: 'Hang up' }).click(),
      ])
      expect(bobDownload.suggestedFilename()).toBe('与 Alice Martin 的 Veracall 通话.webm')
      expect((await readFile(await bobDownload.path())).length).toBeGreaterThan(0)
      await alice.page.getByRole('heading', { name: 'Call ended' }).waitFor()
      expect(await aliceBanner.count()).toBe(0)
      for (const person of [alice, bob])
        expect(
          await person.page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []),
        ).toEqual([])
      await closePerson(alice)
      await closePerson(bob)
    })
  },
)
