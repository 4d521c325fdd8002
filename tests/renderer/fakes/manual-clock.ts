import type { ReconnectClock } from '../../../src/renderer/src/call/reconnect-watch.js'

/** A clock whose time moves only when the test says so. */
export class ManualClock implements ReconnectClock {
  now = 0
  private timers = new Map<number, { at: number; fn: () => void }>()
  private next = 1
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++
    this.timers.set(id, { at: this.now + ms, fn })
    return id
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number)
  }
  advance(ms: number): void {
    this.now += ms
    for (const [id, t] of [...this.timers]) {
      if (t.at <= this.now) {
        this.timers.delete(id)
        t.fn()
      }
    }
  }
  get pending(): number {
    return this.timers.size
  }
}
