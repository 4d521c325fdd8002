import { describe } from 'vitest'
import { chromiumAvailable } from './harness.js'

/**
 * `describe` where Debian's Chromium is installed; elsewhere the suite skips and says so. Apart
 * from harness.ts, which the call bench also loads outside vitest.
 */
export function describeInChromium(suite: string): typeof describe | typeof describe.skip {
  if (chromiumAvailable()) return describe
  console.log(`SKIPPED e2e ${suite}: /usr/bin/chromium not found`)
  return describe.skip
}
