import { afterEach, describe, expect, it, vi } from 'vitest'
import { ROUTES } from 'veracall-signaling/protocol'
import { settle } from '../fakes/fake-peer.js'
import { createFakeDesktop } from '../fakes/fake-desktop.js'
import { bob, harness } from '../fakes/controller-harness.js'

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('deep links in the desktop app', () => {
  it('veracall://call/<user> finds the person and offers the call, without calling', async () => {
    const desktop = createFakeDesktop()
    const ctx = harness(desktop.api)
    await ctx.signIn()
    desktop.emit('event:deepLink', { kind: 'call', username: 'bob' })
    await settle()
    expect(ctx.store.getState().linkPrompt).toEqual({ kind: 'call', user: bob })
    expect(ctx.requests).not.toContain(`POST ${ROUTES.startCall}`)
    expect(ctx.store.getState().phase).toBe('idle')
  })

  it('a call link for an unknown (or own) username says so', async () => {
    const desktop = createFakeDesktop()
    const ctx = harness(desktop.api)
    await ctx.signIn()
    desktop.emit('event:deepLink', { kind: 'call', username: 'nobody' })
    await settle()
    expect(ctx.store.getState().linkPrompt).toEqual({ kind: 'userNotFound', username: 'nobody' })
    desktop.emit('event:deepLink', { kind: 'call', username: 'alice' })
    await settle()
    expect(ctx.store.getState().linkPrompt).toEqual({ kind: 'userNotFound', username: 'alice' })
  })

  it('a call link that arrives before sign-in is offered once signed in', async () => {
    const desktop = createFakeDesktop()
    const ctx = harness(desktop.api)
    await ctx.controller.init()
    desktop.emit('event:deepLink', { kind: 'call', username: 'bob' })
    await settle()
    expect(ctx.store.getState().linkPrompt).toBeNull()
    await ctx.controller.signIn({
      mode: 'login',
      serverUrl: 'localhost:8000',
      username: 'alice',
      password: 'pw',
    })
    await settle()
    expect(ctx.store.getState().linkPrompt).toEqual({ kind: 'call', user: bob })
  })

  it('veracall://server?url= asks first; confirming signs out and switches the server', async () => {
    const desktop = createFakeDesktop()
    const ctx = harness(desktop.api)
    await ctx.signIn()
    desktop.emit('event:deepLink', { kind: 'server', url: 'https://calls.example.org/' })
    await settle()
    expect(ctx.store.getState()).toMatchObject({
      linkPrompt: { kind: 'server', url: 'https://calls.example.org' },
      authStatus: 'signed_in',
      serverUrl: 'http://localhost:8000',
    })
    await ctx.controller.links.switchServer('https://calls.example.org')
    expect(ctx.store.getState()).toMatchObject({
      linkPrompt: null,
      authStatus: 'signed_out',
      serverUrl: 'https://calls.example.org',
    })
  })

  it('dismissing a server link changes nothing', async () => {
    const desktop = createFakeDesktop()
    const ctx = harness(desktop.api)
    await ctx.signIn()
    desktop.emit('event:deepLink', { kind: 'server', url: 'https://calls.example.org/' })
    await settle()
    ctx.controller.links.dismissLinkPrompt()
    expect(ctx.store.getState()).toMatchObject({
      linkPrompt: null,
      authStatus: 'signed_in',
      serverUrl: 'http://localhost:8000',
    })
  })
})
