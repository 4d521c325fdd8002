import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { closePerson, expectVideoPlaying, registerPerson, searchAndCall } from './harness.js'
import { describeInChromium, withStackAndBrowser } from './suite.js'

const run = describeInChromium('long-names')
const NARROW = { width: 360, height: 740 }
/** The longest display names the server accepts (64), one with no space to break at. */
const NAMES = [
  'Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh-Montgomery',
  'Maria Magdalena Wilhelmina Anastasia Konstantinopolitanisch Tóth',
]
const SHOTS = join(tmpdir(), 'veracall-e2e-screenshots')

/** Nothing may stick out to the right: no horizontal scrolling, every element inside the window. */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth
    const out: string[] = []
    if (document.documentElement.scrollWidth > width)
      out.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`)
    for (const el of document.querySelectorAll<HTMLElement>('h1, .call-who, .quality-chip')) {
      const box = el.getBoundingClientRect()
      if (box.width > 0 && box.right > width + 0.5)
        out.push(`${el.tagName}.${el.className} ends at ${Math.round(box.right)}`)
    }
    return out
  })
}

/** Long names wrap or shorten inside a 360 px window: the greeting, ringing and the call screen. */
run('long names in a narrow window (Chromium)', { timeout: 120_000 }, () => {
  const env = withStackAndBrowser(60_000)
  beforeAll(() => mkdirSync(SHOTS, { recursive: true }))

  it('keeps the greeting and the call screen inside 360 px', async () => {
    const [caller, callee] = await Promise.all(
      NAMES.map((name) => registerPerson(env.browser, env.stack.url, name)),
    )
    if (!caller || !callee) throw new Error('not registered')
    try {
      for (const person of [caller, callee]) await person.page.setViewportSize(NARROW)
      expect(await overflow(caller.page)).toEqual([])
      await caller.page.screenshot({ path: join(SHOTS, 'long-name-home-360.png') })

      await searchAndCall(caller, callee, 'video')
      const ringing = callee.page.getByRole('alertdialog')
      await ringing.waitFor()
      expect(await overflow(callee.page)).toEqual([])
      await callee.page.screenshot({ path: join(SHOTS, 'long-name-incoming-360.png') })
      await callee.page.getByRole('button', { name: 'Accept' }).click()
      await callee.page.locator('main.call[data-phase="active"]').waitFor({ timeout: 30_000 })
      await expectVideoPlaying(callee.page)
      for (const person of [caller, callee]) expect(await overflow(person.page)).toEqual([])
      await callee.page.screenshot({ path: join(SHOTS, 'long-name-call-360.png') })
      await caller.page.screenshot({ path: join(SHOTS, 'long-name-call-caller-360.png') })
    } finally {
      await closePerson(caller)
      await closePerson(callee)
    }
  })
})
