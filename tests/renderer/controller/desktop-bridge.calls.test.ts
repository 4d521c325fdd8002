import { afterEach, describe, expect, it, vi } from 'vitest'
import { ROUTES } from 'veracall-signaling/protocol'
import type { RingDecision } from '../../../src/shared/ipc-contract.js'
import { settle } from '../fakes/fake-peer.js'
import { createFakeDesktop } from '../fakes/fake-desktop.js'
import { bob, harness, incomingCall } from '../fakes/controller-harness.js'

afterEach(() => {
  vi.unstubAllGlobals()
})

const decide = (decision: RingDecision) => createFakeDesktop({ 'call:incoming': () => decision })

describe('incoming calls in the desktop app', () => {
  it('asks main, and rings when main says ring; main notifies, not the renderer', async () => {
    const desktop = decide({ ring: true, reason: 'ring' })
    const ctx = harness(desktop.api)
    await ctx.signIn()
    await ctx.ringIn()
    expect(desktop.callsTo('call:incoming')).toEqual([
      [{ callId: 7, callerName: 'Bob', callType: 'video' }],
    ])
    expect(ctx.store.getState()).toMatchObject({ phase: 'incoming', peer: bob })
    expect(ctx.rings).toEqual({ started: 1, stopped: 0 })
    expect(ctx.notifications).toEqual([])
  })

  it('do-not-disturb: shows the call without ringing, and it ends as a missed call', async () => {
    const desktop = decide({ ring: false, reason: 'do_not_disturb' })
    const ctx = harness(desktop.api)
    await ctx.signIn()
    await ctx.ringIn()
    expect(ctx.store.getState().phase).toBe('incoming')
    expect(ctx.rings.started).toBe(0)
    ctx.sockets[0]?.push('call_ended', {
      call: incomingCall({ status: 'ended', end_reason: 'missed' }),
    })
    await settle()
    expect(ctx.store.getState()).toMatchObject({ phase: 'idle', notice: { kind: 'missed' } })
    // The notification main raised for it is withdrawn.
    expect(desktop.callsTo('call:ringEnded')).toEqual([[7]])
  })

  it('rings anyway when main cannot answer (a silent miss is the worse failure)', async () => {
    const desktop = createFakeDesktop({
      'call:incoming': () => {
        throw new Error('unavailable')
      },
    })
    const ctx = harness(desktop.api)
    await ctx.signIn()
    await ctx.ringIn()
    expect(ctx.rings.started).toBe(1)
  })

  it('the web build rings and notifies by itself, as before', async () => {
    const ctx = harness(null)
    await ctx.signIn()
    await ctx.ringIn()
    expect(ctx.rings.started).toBe(1)
    expect(ctx.notifications).toEqual(['notify.incomingVideo:Bob'])
  })

  it('a repeat of the call already ringing is ignored, not declined as busy', async () => {
    const desktop = decide({ ring: true, reason: 'ring' })
    const ctx = harness(desktop.api)
    await ctx.signIn()
    await ctx.ringIn()
    await ctx.ringIn()
    expect(ctx.requests).not.toContain(`POST ${ROUTES.declineCall}`)
    expect(ctx.store.getState().phase).toBe('incoming')
    expect(desktop.callsTo('call:incoming')).toHaveLength(1)
  })

  it('Accept on the notification accepts through the controller and tells main a call is on', async () => {
    const desktop = decide({ ring: true, reason: 'ring' })
    const ctx = harness(desktop.api)
    await ctx.signIn()
    await ctx.ringIn()
    expect(desktop.listenerCount('event:callAction')).toBe(1)
    desktop.emit('event:callAction', { callId: 7, action: 'accept' })
    await settle()
    expect(ctx.requests).toContain(`POST ${ROUTES.acceptCall}`)
    expect(ctx.store.getState().callError).toBeNull()
    expect(ctx.store.getState().phase).toBe('connecting')
    expect(ctx.rings).toEqual({ started: 1, stopped: 1 })
    expect(desktop.callsTo('call:ringEnded')).toEqual([[7]])
    // Reset at start-up, then on once the call is answered.
    expect(desktop.callsTo('call:setActive')).toEqual([[false], [true]])
    await ctx.controller.call.hangUp()
    await settle()
    expect(desktop.callsTo('call:setActive')).toEqual([[false], [true], [false]])
  })

  it('Decline on the notification declines through the controller', async () => {
    const desktop = decide({ ring: true, reason: 'ring' })
    const ctx = harness(desktop.api)
    await ctx.signIn()
    await ctx.ringIn()
    desktop.emit('event:callAction', { callId: 7, action: 'decline' })
    await settle()
    expect(ctx.requests).toContain(`POST ${ROUTES.declineCall}`)
    expect(ctx.store.getState().phase).toBe('idle')
    expect(ctx.rings.stopped).toBe(1)
    expect(desktop.callsTo('call:ringEnded')).toEqual([[7]])
  })

  it('an action for another call (or a "show" click) changes nothing', async () => {
    const desktop = decide({ ring: true, reason: 'ring' })
    const ctx = harness(desktop.api)
    await ctx.signIn()
    await ctx.ringIn()
    desktop.emit('event:callAction', { callId: 8, action: 'accept' })
    desktop.emit('event:callAction', { callId: 7, action: 'show' })
    await settle()
    expect(ctx.store.getState().phase).toBe('incoming')
    expect(
      ctx.requests.filter((r) => r.includes('/calls/accept') || r.includes('/calls/decline')),
    ).toEqual([])
  })
})
