/**
 * What a group call costs the machine: the CPU of every Chromium process (Linux /proc) while a
 * three-way video call runs in steady state, next to a 1:1 video call measured alternately in the
 * same run (the baseline), with the height of the video each side receives. Three real peers on
 * loopback through the real server; the calls are placed and answered from the UI.
 *
 *   npm run bench:group           (ROUNDS=3 SAMPLE_S=20 npm run bench:group for longer)
 */
import { existsSync } from 'node:fs'
import type { Browser } from 'playwright-core'
import {
  chromiumAvailable,
  closePerson,
  launchChromium,
  registerPerson,
  startStack,
  type Person,
  type Stack,
} from '../tests/e2e/harness.js'
import { procCommand, procCpu } from './lib/proc-cpu.js'
import { spread } from './lib/slices.js'

const ROUNDS = Math.max(1, Number(process.env.ROUNDS ?? 2))
const SAMPLE_S = Math.max(5, Number(process.env.SAMPLE_S ?? 15))
/** After everyone connects: the send resolution settles (first-frame.ts) and decoders warm up. */
const SETTLE_MS = 6000

/** CPU ms so far of every Chromium process (browser, renderers, GPU, audio, network). */
function chromiumCpuMs(): number {
  let total = 0
  for (const [pid, { ms }] of procCpu()) if (procCommand(pid).includes('chromium')) total += ms
  return total
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Sample {
  cores: number
  heights: number[]
}

/** One call from `caller` to `callees` (one: a 1:1 call), measured once everyone is connected. */
async function measureCall(caller: Person, callees: Person[]): Promise<Sample> {
  const { page } = caller
  const [first] = callees
  if (!first) throw new Error('nobody to call')
  const search = page.getByLabel(caller.labels.search)
  const results = page.getByRole('list', { name: caller.labels.results })
  if (callees.length === 1) {
    await search.fill(first.username)
    await results.getByRole('button', { name: `Video call with ${first.displayName}` }).click()
  } else {
    for (const p of callees) {
      await search.fill(p.username)
      await results.getByRole('button', { name: `Add ${p.displayName} to a group call` }).click()
    }
    await page.getByRole('button', { name: 'Group video call' }).click()
  }
  for (const p of callees) {
    const ring = p.page.getByRole('alertdialog', { name: `${caller.displayName} is calling you` })
    await ring.getByRole('button', { name: 'Accept' }).click({ timeout: 60_000 })
  }
  await page.locator('main.call[data-phase="active"]').waitFor({ timeout: 60_000 })
  if (callees.length > 1) {
    const tiles = page.locator('[data-testid="peer-tile"][data-state="connected"]')
    await tiles.nth(callees.length - 1).waitFor({ timeout: 60_000 })
  }
  await sleep(SETTLE_MS)
  const before = chromiumCpuMs()
  const startedAt = performance.now()
  await sleep(SAMPLE_S * 1000)
  const cores = (chromiumCpuMs() - before) / (performance.now() - startedAt)
  const heights = await page.$$eval(
    '[data-testid="remote-video"] video, video[data-testid="remote-video"], [data-testid="peer-tile"] video',
    (videos) => videos.map((v) => (v as HTMLVideoElement).videoHeight).filter((h) => h > 0),
  )
  // Everyone hangs up (in a group call the others would go on without the caller).
  for (const p of [caller, ...callees]) {
    const hangUp = p.page.getByRole('button', { name: 'Hang up', exact: true })
    if (await hangUp.isVisible()) await hangUp.click()
    await p.page.getByRole('heading', { name: 'Call ended' }).waitFor()
    await p.page.getByRole('button', { name: 'Done' }).click()
  }
  return { cores, heights }
}

async function main(): Promise<void> {
  if (!chromiumAvailable() || !existsSync('/proc/self/stat')) {
    console.log('SKIPPED bench:group: needs /usr/bin/chromium and Linux /proc')
    return
  }
  let stack: Stack | undefined
  let browser: Browser | undefined
  try {
    ;[stack, browser] = await Promise.all([startStack(), launchChromium()])
    const url = stack.url
    const open = browser
    const [alice, bob, carol] = await Promise.all(
      ['Bench Alice', 'Bench Bob', 'Bench Carol'].map((name) => registerPerson(open, url, name)),
    )
    if (!alice || !bob || !carol) throw new Error('registration failed')
    const one: Sample[] = []
    const three: Sample[] = []
    for (let round = 0; round < ROUNDS; round++) {
      one.push(await measureCall(alice, [bob]))
      three.push(await measureCall(alice, [bob, carol]))
      console.error(
        `round ${round + 1}/${ROUNDS}: 1:1 ${one.at(-1)?.cores.toFixed(2)} cores, ` +
          `three-way ${three.at(-1)?.cores.toFixed(2)} cores`,
      )
    }
    const c1 = spread(one.map((s) => s.cores))
    const c3 = spread(three.map((s) => s.cores))
    const cores = ({ median, min, max }: typeof c1) =>
      `${median.toFixed(2)} cores [${min.toFixed(2)}–${max.toFixed(2)}]`
    console.log(
      `Chromium CPU in a video call, steady state, ${SAMPLE_S} s samples, ${ROUNDS} rounds:`,
    )
    console.log(`  1:1 call (baseline):  ${cores(c1)}, received ${one[0]?.heights.join('/')}p`)
    console.log(`  three-way call:       ${cores(c3)}, received ${three[0]?.heights.join('/')}p`)
    console.log(`  ratio three-way / 1:1: ${(c3.median / c1.median).toFixed(2)}×`)
    await Promise.all([alice, bob, carol].map((p) => closePerson(p)))
  } finally {
    await browser?.close()
    await stack?.stop()
  }
}

await main()
