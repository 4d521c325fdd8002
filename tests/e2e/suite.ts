import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe } from 'vitest'
import { chromiumAvailable, launchChromium, startStack, type Stack } from './harness.js'

/**
 * `describe` where Debian's Chromium is installed; elsewhere the suite skips and says so. Apart
 * from harness.ts, which the call bench also loads outside vitest.
 */
export function describeInChromium(suite: string): typeof describe | typeof describe.skip {
  if (chromiumAvailable()) return describe
  console.log(`SKIPPED e2e ${suite}: /usr/bin/chromium not found`)
  return describe.skip
}

/**
 * One server stack and one Chromium shared by the tests of the calling suite: started together
 * before them, stopped after. Read `stack` and `browser` inside the tests (they are set then).
 */
export function withStackAndBrowser(timeout = 90_000): {
  readonly stack: Stack
  readonly browser: Browser
} {
  const env = {} as { stack: Stack; browser: Browser }
  beforeAll(async () => {
    ;[env.stack, env.browser] = await Promise.all([startStack(), launchChromium()])
  }, timeout)
  afterAll(async () => {
    await env.browser?.close()
    await env.stack?.stop()
  })
  return env
}
