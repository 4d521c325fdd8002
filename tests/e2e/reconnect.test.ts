/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Issue 12, dropped calls, in real Chromium through the real server: a participant reloads mid-call
 * and rejoins (media plays again on both sides), and a participant whose app vanishes leaves the
 * other on "Reconnecting…" until the bound ends the call with its reason.
 */
import { expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import {
  closePerson,
  expectVideoPlaying,
  registerPerson,
  signInAgain,
  searchAndCall,
  shot,
} from './harness.js'
import { describeInChromium, withStackAndBrowser } from './suite.js'
import { RECONNECT_BOUND_MS } from '../../src/renderer/src/call/reconnect-watch.js'

const run = describeInChromium('reconnect')

/** The web build keeps the token in memory: a reload signs out, so sign in again. */
/** Records every value main.call's data-reconnecting takes from now on (the state sequence). */
async function recordReconnecting(page: Page): Promise<void> {
  await page.evaluate(() => {
    const main = document.querySelector('main.call')
    const w = window as unknown as { __reconnecting: string[] }
    w.__reconnecting = [main?.getAttribute('data-reconnecting') ?? '?']
    if (!main) return
    new MutationObserver(() => {
      const value = main.getAttribute('data-reconnecting') ?? '?'
      if (w.__reconnecting.at(-1) !== value) w.__reconnecting.push(value)
    }).observe(main, { attributes: true, attributeFilter: ['data-reconnecting'] })
  })
}

const reconnectingSequence = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as unknown as { __reconnecting: string[] }).__reconnecting)

run('dropped calls (Chromium, real server)', { timeout: 120_000 }, () => {
  const env = withStackAndBrowser()

  it('offers Rejoin to a participant who reloads mid-call, and rejoining brings media back on both sides', async () => {
    const alice = await registerPerson(env.browser, env.stack.url, 'Alice Martin')
    const bob = await registerPerson(env.browser, env.stack.url, 'Bob Chen')
    await searchAndCall(alice, bob, 'video')
    await bob.page.getByRole('button', { name: 'Accept' }).click()
    await Promise.all([expectVideoPlaying(alice.page), expectVideoPlaying(bob.page)])
    await recordReconnecting(bob.page)

    await alice.page.reload()
    await signInAgain(alice)
    // Bob is told Alice is gone for now, not left on a frozen picture.
    await bob.page.locator('main.call[data-reconnecting="peer"]').waitFor()
    expect(await bob.page.getByTestId('reconnecting').textContent()).toContain(
      'Waiting for Alice Martin to come back',
    )
    await shot(bob.page, '25-reconnecting')
    // Alice's reopened app offers the call that is still going on.
    const rejoin = alice.page.getByTestId('rejoin')
    await rejoin.waitFor()
    expect(await rejoin.textContent()).toContain('Your call with Bob Chen is still going on.')
    await shot(alice.page, '24-rejoin')
    // Keyboard: the Rejoin button is reachable and works with Enter.
    const button = alice.page.getByRole('button', { name: 'Rejoin the call with Bob Chen' })
    await button.focus()
    await alice.page.keyboard.press('Enter')

    await Promise.all([expectVideoPlaying(alice.page), expectVideoPlaying(bob.page)])
    await bob.page.locator('main.call[data-reconnecting="no"]').waitFor()
    await alice.page.locator('main.call[data-phase="active"]').waitFor()
    const sequence = await reconnectingSequence(bob.page)
    expect(sequence[0]).toBe('no')
    expect(sequence.at(-1)).toBe('no')
    expect(sequence).toContain('peer')

    // The call goes on as a normal call: hanging up ends it for both.
    await alice.page.getByRole('button', { name: 'Hang up' }).click()
    for (const p of [alice.page, bob.page]) {
      await p.getByRole('heading', { name: 'Call ended' }).waitFor()
    }
    for (const person of [alice, bob]) {
      expect(person.consoleErrors.filter((e) => /^\[call \d+\]/.test(e))).toEqual([])
    }
    await closePerson(alice)
    await closePerson(bob)
  })

  it('shows Reconnecting… when the other app and its connection vanish, then ends with the reason', async () => {
    const carol = await registerPerson(env.browser, env.stack.url, 'Carol Wu')
    const dan = await registerPerson(env.browser, env.stack.url, 'Dan Li', { language: 'zh-CN' })
    await searchAndCall(carol, dan, 'video')
    await dan.page.getByRole('button', { name: '接听' }).click()
    await Promise.all([expectVideoPlaying(carol.page), expectVideoPlaying(dan.page)])
    await recordReconnecting(dan.page)

    // Carol's app, its room socket and its peer connection are gone at once.
    const cutAt = Date.now()
    await closePerson(carol)
    await dan.page.locator('main.call[data-reconnecting="peer"]').waitFor()
    expect(await dan.page.getByTestId('reconnecting').textContent()).toContain(
      '正在等待 Carol Wu 回来',
    )
    await shot(dan.page, '26-reconnecting-zh-CN')

    // Nobody comes back: after the bound the call ends, saying why.
    await dan.page
      .getByRole('heading', { name: '通话已结束' })
      .waitFor({ timeout: RECONNECT_BOUND_MS + 30_000 })
    expect(Date.now() - cutAt).toBeGreaterThanOrEqual(RECONNECT_BOUND_MS)
    await dan.page.getByText('连接中断，未能重新连接').waitFor()
    await shot(dan.page, '27-connection-lost-zh-CN')
    const sequence = await reconnectingSequence(dan.page)
    // Connected, then reconnecting (the other app gone, then or also its media), never back.
    expect(sequence[0]).toBe('no')
    expect(sequence.slice(1).length).toBeGreaterThan(0)
    expect(sequence.slice(1).every((s) => s === 'peer' || s === 'media')).toBe(true)
    // The server ended the call too: Dan is free and nothing is left to rejoin.
    await dan.page.getByRole('button', { name: '完成' }).click()
    expect(await dan.page.getByTestId('rejoin').count()).toBe(0)
    await closePerson(dan)
  })
})
