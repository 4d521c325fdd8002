import { describe, expect, it } from 'vitest'
import { decideRing, type RingContext } from '../../../src/main/notifications/ring-policy.js'

const ctx = (patch: Partial<RingContext> = {}): RingContext => ({
  doNotDisturb: false,
  inCall: false,
  ringing: new Set(),
  windowFocused: false,
  notificationsSupported: true,
  ...patch,
})

describe('ring policy', () => {
  it('rings, notifies and asks for attention when idle and in the background', () => {
    expect(decideRing(1, ctx())).toEqual({
      ring: true,
      reason: 'ring',
      notify: true,
      silent: false,
      attention: true,
      recordMissed: false,
    })
  })
  it('rings without a toast when the window is focused', () => {
    expect(decideRing(1, ctx({ windowFocused: true }))).toMatchObject({
      ring: true,
      notify: false,
      attention: false,
    })
  })
  it('do-not-disturb: no ring, no notification, but the call is recorded as missed', () => {
    expect(decideRing(1, ctx({ doNotDisturb: true }))).toMatchObject({
      ring: false,
      reason: 'do_not_disturb',
      notify: false,
      attention: false,
      recordMissed: true,
    })
  })
  it('already in a call: a silent notification, no ringtone', () => {
    expect(decideRing(1, ctx({ inCall: true }))).toMatchObject({
      ring: false,
      reason: 'busy',
      notify: true,
      silent: true,
      attention: false,
    })
  })
  it('a repeat of a ringing call is ignored; DND wins over busy', () => {
    expect(decideRing(1, ctx({ ringing: new Set([1]) })).reason).toBe('duplicate')
    expect(decideRing(1, ctx({ doNotDisturb: true, inCall: true })).reason).toBe('do_not_disturb')
    expect(decideRing(1, ctx({ notificationsSupported: false })).notify).toBe(false)
  })
})
