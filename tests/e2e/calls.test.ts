/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Two real Chromium peers through the real signaling server on loopback: the whole calling
 * experience, plus decline, missed, audio-only and a signaling-socket drop mid-call.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  closePerson,
  decodedFrames,
  expectVideoPlaying,
  launchChromium,
  registerPerson,
  searchAndCall,
  shot,
  startStack,
  type Person,
  type Stack,
} from './harness.js'
import { describeInChromium } from './suite.js'

const callScreen = (page: Page): ReturnType<Page['locator']> => page.locator('main.call')

const run = describeInChromium('calls')

run('calling end to end (Chromium, real server)', { timeout: 120_000 }, () => {
  let stack: Stack
  let browser: Browser
  let alice: Person
  let bob: Person

  beforeAll(async () => {
    ;[stack, browser] = await Promise.all([startStack({ detector: true }), launchChromium()])
  }, 90_000)

  afterAll(async () => {
    await browser?.close()
    await stack?.stop()
  })

  it('registers two people who find each other, call with video, mute, camera off and hang up', async () => {
    // The sign-in screen, before anyone registers.
    const ctx = await browser.newContext({
      viewport: { width: 1200, height: 760 },
      locale: 'en-US',
    })
    const first = await ctx.newPage()
    await first.goto(stack.url)
    await first.getByRole('heading', { name: 'Welcome back' }).waitFor()
    await shot(first, '01-sign-in')
    // A wrong server address gets a clear message.
    await first.getByLabel('Server').fill('http://127.0.0.1:9')
    await first.getByLabel('Username').fill('nobody')
    await first.getByLabel('Password').fill('whatever1')
    await first.getByRole('button', { name: 'Sign in', exact: true }).click()
    await expect.poll(() => first.getByRole('alert').getAttribute('data-code')).toBe('unreachable')
    await ctx.close()

    alice = await registerPerson(browser, stack.url, 'Alice Martin')
    bob = await registerPerson(browser, stack.url, 'Bob Chen')

    // Nobody is listed before a search, and one letter is not a search yet.
    const people = alice.page.getByRole('list', { name: 'People' })
    const hint = alice.page.getByText('Type at least 2 characters of a name or username.')
    await hint.waitFor()
    expect(await people.getByRole('listitem').count()).toBe(0)
    await alice.page.getByLabel('Search people').fill(bob.username.slice(0, 1))
    await hint.waitFor()
    expect(await people.getByRole('listitem').count()).toBe(0)
    await alice.page.getByLabel('Search people').fill(bob.username)
    await alice.page.getByRole('button', { name: 'Video call with Bob Chen' }).waitFor()
    await hint.waitFor({ state: 'detached' })
    await shot(alice.page, '02-home-search')
    await alice.page.getByRole('button', { name: 'Video call with Bob Chen' }).click()

    await callScreen(alice.page).and(alice.page.locator('[data-phase="outgoing"]')).waitFor()
    const incoming = bob.page.getByRole('alertdialog', { name: 'Alice Martin is calling you' })
    await incoming.waitFor()
    await incoming.getByText('Video call').waitFor()
    // The app behind the ringing dialog is out of the tab order; its skip link says what it does.
    await bob.page.locator('.shell[inert]').waitFor({ state: 'attached' })
    expect(await bob.page.getByRole('link', { name: 'Skip to content' }).count()).toBe(1)
    await shot(alice.page, '03-outgoing')
    await shot(bob.page, '04-incoming')
    await bob.page.getByRole('button', { name: 'Accept' }).click()

    await Promise.all([expectVideoPlaying(alice.page), expectVideoPlaying(bob.page)])
    await alice.page.locator('main.call[data-phase="active"]').waitFor()
    await expect
      .poll(() => alice.page.getByTestId('connection-state').textContent())
      .toBe('Connected')

    // A mutes from the keyboard (Ctrl+D, as the button's shortcut says): B sees it.
    expect(
      await alice.page
        .getByRole('button', { name: 'Mute microphone' })
        .getAttribute('aria-keyshortcuts'),
    ).toBe('Control+D')
    await alice.page.keyboard.press('Control+KeyD')
    await alice.page.getByRole('button', { name: 'Unmute microphone' }).waitFor()
    await bob.page.getByTestId('remote-muted').waitFor()
    expect(await bob.page.getByTestId('remote-muted').textContent()).toContain(
      'Alice Martin is muted',
    )
    // B turns the camera off (Ctrl+E): A sees it, and B's camera track is stopped.
    await bob.page.keyboard.press('Control+KeyE')
    await bob.page.getByRole('button', { name: 'Turn camera on' }).waitFor()
    await alice.page.getByTestId('remote-camera-off').waitFor()
    // Audio still flows, video frames keep arriving on B's side.
    await expectVideoPlaying(bob.page)
    await bob.page.getByRole('button', { name: 'Turn camera on' }).click()
    await alice.page.getByTestId('remote-camera-off').waitFor({ state: 'detached' })
    await expectVideoPlaying(alice.page)

    await alice.page.getByRole('button', { name: /^Call quality .+, show details$/ }).click()
    await alice.page.getByRole('region', { name: 'Call quality' }).waitFor()
    await expect
      .poll(() => alice.page.getByTestId('quality-level').textContent(), { timeout: 10_000 })
      .toMatch(/Good|Fair|Poor/)
    // The chip's name carries the level it shows.
    const shown = await alice.page.getByTestId('quality-level').textContent()
    await alice.page
      .getByRole('button', { name: `Call quality ${shown ?? ''}, hide details` })
      .waitFor()
    // Bitrate needs two stats samples (2 s apart): wait for it so the screenshot shows figures.
    await alice.page
      .getByRole('region', { name: 'Call quality' })
      .getByText(/kbit\/s/)
      .waitFor({ timeout: 10_000 })
    await shot(alice.page, '05-in-call')
    // A narrow window: the layout stacks, the controls stay reachable.
    await bob.page.setViewportSize({ width: 420, height: 820 })
    await shot(bob.page, '05b-in-call-narrow')
    await bob.page.setViewportSize({ width: 1200, height: 760 })
    // The call timer runs.
    await expect
      .poll(() => alice.page.getByTestId('call-timer').textContent(), { timeout: 5000 })
      .not.toBe('0:00')
    await alice.page.getByRole('button', { name: 'Devices' }).click()
    await alice.page.getByRole('dialog', { name: 'Devices' }).waitFor()
    await shot(alice.page, '06-in-call-devices')
    await alice.page.getByRole('button', { name: 'Close' }).click()

    // R3: nothing secret in renderer storage after signing in and calling.
    for (const person of [alice, bob]) {
      const stored = await person.page.evaluate(() => {
        const out: Record<string, string> = {}
        for (let i = 0; i < localStorage.length; i++) {
          const k = localStorage.key(i) ?? ''
          out[k] = localStorage.getItem(k) ?? ''
        }
        for (let i = 0; i < sessionStorage.length; i++) {
          const k = sessionStorage.key(i) ?? ''
          out[`session:${k}`] = sessionStorage.getItem(k) ?? ''
        }
        return out
      })
      const all = JSON.stringify(stored)
      expect(Object.keys(stored)).toEqual(['veracall.prefs'])
      expect(all).not.toContain('correct horse battery')
      expect(all).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/) // no JWT
      expect(all.toLowerCase()).not.toContain('token')
    }

    await alice.page.getByRole('button', { name: 'Hang up' }).click()
    for (const p of [alice.page, bob.page]) {
      await p.getByRole('heading', { name: 'Call ended' }).waitFor()
      expect(await p.getByTestId('summary-duration').textContent()).toMatch(/\d+ s|min/)
    }
    await shot(alice.page, '07-summary')
    for (const p of [alice.page, bob.page]) {
      await p.getByRole('button', { name: 'Done' }).click()
      await p.getByRole('navigation', { name: 'Main' }).waitFor()
      // Every track stopped: the camera light goes off.
      expect(await p.evaluate(() => document.querySelectorAll('video').length)).toBe(0)
    }
    for (const person of [alice, bob]) {
      await person.page.getByRole('button', { name: 'History' }).click()
      const row = person.page.locator('li.call-row[data-reason="completed"]').first()
      await row.waitFor()
      expect(await row.getByTestId('call-duration').textContent()).toMatch(/\d+ s|min/)
    }
    await shot(bob.page, '08-history')
    for (const person of [alice, bob]) {
      // E3 (Chromium): the production bundle runs with zero CSP violations.
      expect(
        await person.page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []),
      ).toEqual([])
      // R1: mute and camera toggles mid-call caused no negotiation error (no InvalidStateError).
      expect(person.consoleErrors.filter((e) => /InvalidStateError|^\[call \d+\]/.test(e))).toEqual(
        [],
      )
    }
  })

  it('shows the decline to the caller', async () => {
    for (const p of [alice.page, bob.page]) await p.getByRole('button', { name: 'Calls' }).click()
    await searchAndCall(alice, bob, 'video')
    await bob.page.getByRole('alertdialog').waitFor()
    await bob.page.getByRole('button', { name: 'Decline' }).click()
    await alice.page.locator('[data-notice="declined"]').waitFor()
    expect(await alice.page.locator('[data-notice="declined"]').textContent()).toContain(
      'Bob Chen declined the call',
    )
    await bob.page.getByRole('alertdialog').waitFor({ state: 'detached' })
    await alice.page.getByRole('button', { name: 'Dismiss' }).click()
  })

  it('keeps Mute pressed while the camera opens, and the device pickers wait for it', async () => {
    // Alice's camera takes as long as the test says (a real one can take seconds).
    await alice.page.evaluate(() => {
      const devices = navigator.mediaDevices
      const open = devices.getUserMedia.bind(devices)
      const w = window as unknown as { __grantCamera?: () => void }
      const granted = new Promise<void>((resolve) => (w.__grantCamera = resolve))
      devices.getUserMedia = async (constraints) => {
        await granted
        return open(constraints)
      }
    })
    await searchAndCall(alice, bob, 'video')
    await callScreen(alice.page).waitFor()
    await alice.page.getByRole('button', { name: 'Devices' }).click()
    const menu = alice.page.getByRole('dialog', { name: 'Devices' })
    await menu.getByText('still opening').waitFor()
    expect(await menu.getByLabel('Camera').isDisabled()).toBe(true)
    expect(await menu.getByLabel('Microphone').isDisabled()).toBe(true)
    await shot(alice.page, '06b-devices-opening')
    await alice.page.keyboard.press('Escape')
    await alice.page.keyboard.press('Control+KeyD')
    await alice.page.getByRole('button', { name: 'Unmute microphone' }).waitFor()
    await alice.page.evaluate(() =>
      (window as unknown as { __grantCamera: () => void }).__grantCamera(),
    )
    await bob.page.getByRole('button', { name: 'Accept' }).click()
    // The microphone came up muted, as the button said: Bob is told so.
    await bob.page.getByTestId('remote-muted').waitFor()
    await alice.page.getByRole('button', { name: 'Devices' }).click()
    expect(await menu.getByLabel('Camera').isDisabled()).toBe(false)
    await alice.page.getByRole('button', { name: 'Hang up' }).click()
    for (const p of [alice.page, bob.page]) {
      await p.getByRole('heading', { name: 'Call ended' }).waitFor()
      await p.getByRole('button', { name: 'Done' }).click()
    }
  })

  it('carries an audio-only call', async () => {
    await searchAndCall(alice, bob, 'audio')
    await bob.page.getByRole('alertdialog').getByText('Audio call').waitFor()
    await bob.page.getByRole('button', { name: 'Accept' }).click()
    for (const p of [alice.page, bob.page]) {
      await p.locator('main.call[data-phase="active"]').waitFor({ timeout: 20_000 })
      // No camera was opened; the remote stream carries audio that keeps arriving.
      expect(await p.getByRole('button', { name: /Turn camera/ }).count()).toBe(0)
      await p.waitForFunction(() => {
        const v = document.querySelector<HTMLVideoElement>('[data-testid="remote-video"]')
        const s = v?.srcObject as MediaStream | null
        return !!s && s.getAudioTracks().length === 1 && s.getVideoTracks().length === 0
      })
    }
    // Nothing to analyse without video: the panel says so instead of "Analysing…" forever.
    await bob.page
      .getByRole('note')
      .getByText(/deepfake check needs/)
      .waitFor()
    expect(await bob.page.getByText('Analysing…').count()).toBe(0)
    await shot(bob.page, '09-audio-call')
    await bob.page.getByRole('button', { name: 'Hang up' }).click()
    for (const p of [alice.page, bob.page]) {
      await p.getByRole('heading', { name: 'Call ended' }).waitFor()
      await p.getByRole('button', { name: 'Done' }).click()
    }
  })

  it('keeps media flowing when the signaling socket drops, then reconnects and rejoins', async () => {
    await searchAndCall(alice, bob, 'video')
    await bob.page.getByRole('button', { name: 'Accept' }).click()
    await Promise.all([expectVideoPlaying(alice.page), expectVideoPlaying(bob.page)])
    await alice.page.locator('main.call[data-signaling="open"]').waitFor()
    const joinsBefore = stack.proxy.opened.get('/ws/call/') ?? 0
    expect(stack.proxy.cut('/ws/call/')).toBe(2)
    // Both sockets come back on their own (backoff) and re-join the room.
    await expect
      .poll(() => stack.proxy.opened.get('/ws/call/') ?? 0, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(joinsBefore + 2)
    for (const p of [alice.page, bob.page]) {
      await p.locator('main.call[data-signaling="open"]').waitFor({ timeout: 15_000 })
    }
    // Media never stopped.
    const before = await decodedFrames(bob.page, 'remote-video')
    await expectVideoPlaying(bob.page)
    expect(await decodedFrames(bob.page, 'remote-video')).toBeGreaterThan(before)
    // Signaling works again: a mute reaches the other side.
    await alice.page.getByRole('button', { name: 'Mute microphone' }).click()
    await bob.page.getByTestId('remote-muted').waitFor()
    await bob.page.getByRole('button', { name: 'Hang up' }).click()
    for (const p of [alice.page, bob.page]) {
      await p.getByRole('heading', { name: 'Call ended' }).waitFor()
      await p.getByRole('button', { name: 'Done' }).click()
    }
    // Settings, in the other language and theme, for the screenshots.
    await bob.page.getByRole('button', { name: 'Settings' }).click()
    await bob.page.getByLabel('Language').selectOption('zh-CN')
    await bob.page.getByRole('heading', { name: '设置' }).waitFor()
    await shot(bob.page, '10-settings-zh-CN')
    await bob.page.getByLabel('语言').selectOption('en')
    await bob.page.getByText('Dark', { exact: true }).click()
    await bob.page.getByRole('button', { name: 'History' }).click()
    await shot(bob.page, '11-history-dark')
    await closePerson(alice)
    await closePerson(bob)
  })
})

run('missed call (short ring timeout)', { timeout: 90_000 }, () => {
  let stack: Stack
  let browser: Browser
  beforeAll(async () => {
    ;[stack, browser] = await Promise.all([startStack({ ringTimeoutS: 3 }), launchChromium()])
  }, 90_000)
  afterAll(async () => {
    await browser?.close()
    await stack?.stop()
  })

  it('ends an unanswered call as missed on both sides', async () => {
    const carol = await registerPerson(browser, stack.url, 'Carol Wu')
    const dan = await registerPerson(browser, stack.url, 'Dan Li', { language: 'zh-CN' })
    await searchAndCall(carol, dan, 'video')
    await dan.page.getByRole('alertdialog').waitFor()
    await dan.page.locator('[data-notice="missed"]').waitFor({ timeout: 15_000 })
    expect(await dan.page.locator('[data-notice="missed"]').textContent()).toContain(
      'Carol Wu 的未接来电',
    )
    await carol.page.locator('[data-notice="unanswered"]').waitFor({ timeout: 15_000 })
    await shot(dan.page, '12-missed-zh-CN')
    await dan.page.getByRole('button', { name: '通话记录' }).click()
    await dan.page.locator('li.call-row[data-reason="missed"]').waitFor()
    await closePerson(carol)
    await closePerson(dan)
  })
})
