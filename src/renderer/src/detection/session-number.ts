let last = 0

/**
 * A detector session number for one remote face. The port keys its sessions by number (once the
 * call id, one per call); a group call needs one per face. Seeded from the clock and increasing, so
 * numbers stay distinct within a page and from those a reloaded page left open in main.
 */
export function nextSessionNumber(now: number = Date.now()): number {
  last = Math.max(last + 1, Math.floor(now))
  return last
}
