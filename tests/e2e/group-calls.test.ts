/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Group calls among three (then four) real Chromium peers through the real signaling server: a
 * full mesh where every peer decodes every other peer's video, someone leaves and the others go
 * on, and Add person rings one more into a running call.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  closePerson,
  launchChromium,
  registerPerson,
  shot,
  signInAgain,
  startStack,
  type Person,
  type Stack,
} from './harness.js'
import { describeInChromium } from './suite.js'

const run = describeInChromium('group calls')

/** Every remote tile's <video>, by the peer it shows: its size and frames decoded so far. */
function peerVideos(page: Page): Promise<{ id: string; width: number; frames: number }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-testid="peer-tile"]')].map((tile) => {
      const v = tile.querySelector<HTMLVideoElement>('video')
      return {
        id: tile.dataset.peerId ?? '',
        width: v?.videoWidth ?? 0,
        frames: v ? v.getVideoPlaybackQuality().totalVideoFrames : 0,
      }
    }),
  )
}

/**
 * Waits until the page shows exactly `count` remote tiles (matching `tiles`), each with a sized
 * video whose decoded frame count keeps rising (real frames from that peer, not a frozen first
 * frame).
 */
async function expectRemoteVideosPlaying(
  page: Page,
  count: number,
  tiles = '[data-testid="peer-tile"]',
): Promise<void> {
  await page.waitForFunction(
    ({ n, selector }) => {
      const tiles = [...document.querySelectorAll(selector)]
      return (
        tiles.length === n &&
        tiles.every((tile) => {
          const v = tile.querySelector('video')
          return !!v && v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames > 0
        })
      )
    },
    { n: count, selector: tiles },
    { timeout: 30_000 },
  )
  const before = (await peerVideos(page)).filter((v) => v.width > 0)
  await page.waitForFunction(
    (was) =>
      was.every(({ id, frames }) => {
        const v = document.querySelector<HTMLVideoElement>(`[data-peer-id="${id}"] video`)
        return !!v && v.getVideoPlaybackQuality().totalVideoFrames > frames + 5
      }),
    before,
    { timeout: 15_000 },
  )
}

/** Picks `people` on the home screen (search, "Add … to a group call") and starts a video call. */
async function startGroupCall(caller: Person, people: Person[]): Promise<void> {
  const { page } = caller
  for (const p of people) {
    await page.getByLabel(caller.labels.search).fill(p.username)
    await page
      .getByRole('list', { name: caller.labels.results })
      .getByRole('button', { name: `Add ${p.displayName} to a group call` })
      .click()
  }
  await page.getByRole('button', { name: 'Group video call' }).click()
}

async function accept(person: Person, callerName: string): Promise<void> {
  const dialog = person.page.getByRole('alertdialog', { name: `${callerName} is calling you` })
  await dialog.waitFor()
  await dialog.getByRole('button', { name: 'Accept' }).click()
}

run('group calls end to end (Chromium, real server)', { timeout: 180_000 }, () => {
  let stack: Stack
  let browser: Browser

  beforeAll(async () => {
    ;[stack, browser] = await Promise.all([startStack({ detector: true }), launchChromium()])
  }, 90_000)

  /** Everyone a test registered: closed after it, passed or failed (their calls use the CPU). */
  const people: Person[] = []
  const register = async (name: string, language?: string): Promise<Person> => {
    const p = await registerPerson(browser, stack.url, name, { language })
    people.push(p)
    return p
  }
  afterEach(async () => {
    await Promise.all(people.splice(0).map((p) => closePerson(p).catch(() => undefined)))
  })

  afterAll(async () => {
    await browser?.close()
    await stack?.stop()
  })

  it('A calls B and C: everyone sees two remote videos; C leaves, A and B go on', async () => {
    const [alice, bob, carol] = await Promise.all([
      register('Alice Martin'),
      register('Bob Chen'),
      register('Carol Diaz'),
    ])
    await startGroupCall(alice, [bob, carol])
    await alice.page.locator('main.call[data-group="yes"]').waitFor()
    await Promise.all([accept(bob, 'Alice Martin'), accept(carol, 'Alice Martin')])

    // A full mesh: each of the three decodes the other two.
    await Promise.all([alice, bob, carol].map((p) => expectRemoteVideosPlaying(p.page, 2)))
    for (const p of [alice, bob, carol]) {
      await p.page.locator('main.call[data-phase="active"]').waitFor()
      const tiles = p.page.locator('[data-testid="peer-tile"][data-state="connected"]')
      expect(await tiles.count()).toBe(2)
    }
    // Each tile names its person.
    const names = await alice.page.getByTestId('peer-tile').allTextContents()
    expect(names.join(' ')).toContain('Bob Chen')
    expect(names.join(' ')).toContain('Carol Diaz')

    // B mutes: A and C see it on B's tile, and only there.
    await bob.page.getByRole('button', { name: 'Mute microphone' }).click()
    for (const p of [alice, carol]) {
      const tiles = p.page.getByTestId('peer-tile')
      await tiles.filter({ hasText: 'Bob Chen' }).getByTestId('tile-muted').waitFor()
      expect(await tiles.getByTestId('tile-muted').count()).toBe(1)
    }

    await carol.page.getByRole('button', { name: 'Hang up' }).click()
    await carol.page.getByRole('heading', { name: 'Call ended' }).waitFor()
    // The other two go on with one remote video each.
    await Promise.all([alice, bob].map((p) => expectRemoteVideosPlaying(p.page, 1)))
    for (const p of [alice, bob]) {
      expect(await p.page.locator('main.call[data-phase="active"]').count()).toBe(1)
    }

    // The last two: when one hangs up the call ends for the other as well.
    await alice.page.getByRole('button', { name: 'Hang up' }).click()
    await Promise.all(
      [alice, bob].map((p) => p.page.getByRole('heading', { name: 'Call ended' }).waitFor()),
    )
    for (const p of [alice, bob, carol]) {
      // No negotiation or session error (the detector is not attached to this stack).
      expect(p.consoleErrors.filter((e) => e.startsWith('[call '))).toEqual([])
    }
  })

  it('someone who reloads mid-call rejoins a group call and connects to everyone again', async () => {
    const [alice, bob, carol] = await Promise.all([
      register('Alice Martin'),
      register('Bob Chen'),
      register('Carol Diaz'),
    ])
    await startGroupCall(alice, [bob, carol])
    await Promise.all([accept(bob, 'Alice Martin'), accept(carol, 'Alice Martin')])
    await Promise.all([alice, bob, carol].map((p) => expectRemoteVideosPlaying(p.page, 2)))

    await bob.page.reload()
    // Reloading next to a running three-way call can take long on a loaded machine.
    await signInAgain(bob, 90_000)
    const rejoin = bob.page.getByTestId('rejoin')
    await rejoin.waitFor()
    expect(await rejoin.textContent()).toContain('Alice Martin and Carol Diaz')
    await bob.page
      .getByRole('button', { name: 'Rejoin the call with Alice Martin and Carol Diaz' })
      .click()
    // Bob's new connections offer; Alice's and Carol's apps rebuild theirs for him.
    await Promise.all([alice, bob, carol].map((p) => expectRemoteVideosPlaying(p.page, 2)))
    await bob.page.locator('main.call[data-phase="active"][data-group="yes"]').waitFor()
    for (const p of [alice, bob, carol]) {
      expect(p.consoleErrors.filter((e) => e.startsWith('[call '))).toEqual([])
    }
  })

  /** Alice's words in each language the screenshots are taken in. */
  const WORDS = {
    en: {
      addPerson: 'Add person',
      dialog: 'Add someone to this call',
      add: (n: string) => `Add ${n}`,
      close: 'Close',
      hangUp: 'Hang up',
      summaryWith: 'with Bob Chen and Carol Diaz',
      suffix: '',
    },
    'zh-CN': {
      addPerson: '添加成员',
      dialog: '邀请他人加入此通话',
      add: (n: string) => `添加 ${n}`,
      close: '关闭',
      hangUp: '挂断',
      summaryWith: '与 Bob Chen和Carol Diaz',
      suffix: '-zh-CN',
    },
  } as const

  for (const language of ['en', 'zh-CN'] as const) {
    it(`Add person rings a third person into a 1:1 call, which becomes a group call (${language})`, async () => {
      const w = WORDS[language]
      const [alice, bob, carol] = await Promise.all([
        register('Alice Martin', language),
        register('Bob Chen'),
        register('Carol Diaz'),
      ])
      // A plain 1:1 call first.
      await alice.page.getByLabel(alice.labels.search).fill(bob.username)
      await alice.page
        .getByRole('button', { name: alice.labels.callWith('video', 'Bob Chen') })
        .click()
      await accept(bob, 'Alice Martin')
      await alice.page.locator('main.call[data-phase="active"][data-group="no"]').waitFor()

      await alice.page.getByRole('button', { name: w.addPerson, exact: true }).click()
      const dialog = alice.page.getByRole('dialog', { name: w.dialog })
      await dialog.getByLabel(alice.labels.search).fill(carol.username)
      await dialog.getByRole('button', { name: w.add('Carol Diaz') }).click()
      await dialog.getByTestId('invite-status').waitFor()
      // Both who are in the call see Carol's tile ringing.
      for (const p of [alice, bob]) {
        await p.page.locator('main.call[data-group="yes"]').waitFor()
        await p.page.locator('[data-testid="peer-tile"][data-state="ringing"]').waitFor()
      }
      // The grid replaced the 1:1 layout: its videos play before the picture is taken.
      await expectRemoteVideosPlaying(
        alice.page,
        1,
        '[data-testid="peer-tile"][data-state="connected"]',
      )
      await alice.page.waitForFunction(() => {
        const v = document.querySelector<HTMLVideoElement>('[data-testid="local-video"]')
        return !!v && v.videoWidth > 0 && v.currentTime > 0.5
      })
      await shot(alice.page, `31-add-person${w.suffix}`)
      await accept(carol, 'Alice Martin')
      await Promise.all([alice, bob, carol].map((p) => expectRemoteVideosPlaying(p.page, 2)))
      await dialog.getByRole('button', { name: w.close }).click()
      await dialog.waitFor({ state: 'detached' })
      await shot(alice.page, `30-group-call${w.suffix}`)
      // Alice leaves: her summary names both.
      await alice.page.getByRole('button', { name: w.hangUp, exact: true }).click()
      const withWhom = alice.page.getByTestId('summary-with')
      await withWhom.waitFor()
      expect(await withWhom.textContent()).toBe(w.summaryWith)
      expect(await alice.page.getByTestId('summary-avatars').locator('.avatar').count()).toBe(2)
      await shot(alice.page, `32-group-summary${w.suffix}`)
      for (const p of [alice, bob, carol]) {
        expect(p.consoleErrors.filter((e) => e.startsWith('[call '))).toEqual([])
      }
    })
  }
})
