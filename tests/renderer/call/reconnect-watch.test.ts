import { describe, expect, it } from 'vitest'
import {
  RECONNECT_BOUND_MS,
  ReconnectWatch,
  type ReconnectCause,
} from '../../../src/renderer/src/call/reconnect-watch.js'
import { ManualClock } from '../fakes/manual-clock.js'

function watch() {
  const clock = new ManualClock()
  const causes: (ReconnectCause | null)[] = []
  let gaveUp = 0
  const w = new ReconnectWatch({
    clock,
    onChange: (c) => causes.push(c),
    onGiveUp: () => (gaveUp += 1),
  })
  return { w, clock, causes, gaveUp: () => gaveUp }
}

describe('ReconnectWatch', () => {
  it('says nothing while the call is first connecting', () => {
    const { w, clock, causes } = watch()
    w.update({ media: 'connecting' })
    w.update({ signalingOpen: false })
    w.update({ media: 'failed' })
    clock.advance(RECONNECT_BOUND_MS * 2)
    expect(causes).toEqual([])
    expect(clock.pending).toBe(0)
  })

  it('reconnects and recovers within the bound: no end', () => {
    const { w, clock, causes, gaveUp } = watch()
    w.update({ media: 'connected' })
    w.update({ media: 'disconnected' })
    clock.advance(RECONNECT_BOUND_MS - 1)
    w.update({ media: 'connected' })
    clock.advance(RECONNECT_BOUND_MS)
    expect(causes).toEqual(['media', null])
    expect(gaveUp()).toBe(0)
  })

  it('ends once media stays down for the bound, whatever it went through', () => {
    const { w, clock, causes, gaveUp } = watch()
    w.update({ media: 'connected' })
    w.update({ media: 'disconnected' })
    clock.advance(5_000)
    w.update({ peerPresent: false })
    w.update({ media: 'failed' })
    clock.advance(RECONNECT_BOUND_MS - 5_001)
    expect(gaveUp()).toBe(0)
    clock.advance(1)
    expect(gaveUp()).toBe(1)
    expect(causes).toEqual(['media', 'peer'])
    // Stopped: later states change nothing.
    w.update({ media: 'connected', peerPresent: true })
    expect(causes).toEqual(['media', 'peer'])
  })

  it('shows a room-socket drop while media flows, and never ends the call for it', () => {
    const { w, clock, causes, gaveUp } = watch()
    w.update({ media: 'connected' })
    w.update({ signalingOpen: false })
    clock.advance(RECONNECT_BOUND_MS * 3)
    w.update({ signalingOpen: true })
    expect(causes).toEqual(['signaling', null])
    expect(gaveUp()).toBe(0)
  })

  it('says the other person is gone before the media notices', () => {
    const { w, causes, clock } = watch()
    w.update({ media: 'connected' })
    w.update({ peerPresent: false })
    expect(causes).toEqual(['peer'])
    // Media still flows: no bound runs yet.
    expect(clock.pending).toBe(0)
    w.update({ peerPresent: true })
    expect(causes).toEqual(['peer', null])
  })
})
