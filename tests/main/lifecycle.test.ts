import { describe, expect, it } from 'vitest'
import {
  allowedOriginsFor,
  devServerUrlFrom,
  runApp,
  type Services,
  type StartServices,
} from '../../src/main/lifecycle.js'
import type { DeepLink } from '../../src/shared/ipc-contract.js'
import { FakeAdapter, FakeWindow, fakeEvent } from './fakes.js'

function start(argv: string[] = ['/opt/veracall'], lock = true) {
  const adapter = new FakeAdapter()
  adapter.app.lock = lock
  const delivered: DeepLink[] = []
  const window = new FakeWindow({} as never)
  let stopped = 0
  let pending: DeepLink | null = null
  const starter: StartServices = async (context) => {
    adapter.app.calls.push('startServices')
    pending = context.pendingDeepLink
    const services: Services = {
      window: () => window,
      deliverDeepLink: (link) => delivered.push(link),
      stop: async () => {
        stopped += 1
      },
    }
    return services
  }
  runApp(adapter, { devServerUrl: undefined, argv, log: () => undefined }, starter)
  return { adapter, delivered, window, stopped: () => stopped, pending: () => pending }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('lifecycle (E2, E19)', () => {
  it('registers the scheme and enables the sandbox before ready', async () => {
    const { adapter } = start()
    expect(adapter.app.calls.slice(0, 3)).toEqual([
      'registerSchemesAsPrivileged',
      'enableSandbox',
      'requestSingleInstanceLock',
    ])
    expect(adapter.app.calls.indexOf('enableSandbox')).toBeLessThan(
      adapter.app.calls.indexOf('whenReady'),
    )
    expect(adapter.privileged).toEqual([['app']])
    expect(adapter.app.calls).not.toContain('startServices')
    adapter.app.readyResolve()
    await flush()
    expect(adapter.app.calls).toContain('startServices')
    expect(adapter.app.calls).toContain('protocolClient:veracall')
  })

  it('a second instance quits at once without starting anything', () => {
    const { adapter } = start(['/opt/veracall'], false)
    expect(adapter.app.calls).toEqual([
      'registerSchemesAsPrivileged',
      'enableSandbox',
      'requestSingleInstanceLock',
      'quit',
      'quit:done',
    ])
  })

  it('second-instance focuses the window and routes a valid deep link through the parser', async () => {
    const { adapter, delivered, window } = start()
    adapter.app.readyResolve()
    await flush()
    window.minimized = true
    adapter.app.emit('second-instance', {}, ['/opt/veracall', 'veracall://call/grace'])
    expect(window.visible && window.focused && !window.minimized).toBe(true)
    adapter.app.emit('second-instance', {}, [
      '/opt/veracall',
      'veracall://call/<bad>',
      'javascript:alert(1)',
    ])
    expect(delivered).toEqual([{ kind: 'call', username: 'grace' }])
  })

  it('keeps a deep link from the first launch or from open-url before ready', async () => {
    const first = start(['/opt/veracall', 'veracall://call/ada'])
    first.adapter.app.readyResolve()
    await flush()
    expect(first.pending()).toEqual({ kind: 'call', username: 'ada' })

    const mac = start()
    const event = fakeEvent()
    mac.adapter.app.emit('open-url', event, 'veracall://server?url=https://calls.example.org')
    expect(event.prevented).toBe(true)
    mac.adapter.app.readyResolve()
    await flush()
    expect(mac.pending()).toEqual({ kind: 'server', url: 'https://calls.example.org/' })
  })

  it('delivers a deep link that arrives while the services are starting, once they are up', async () => {
    const adapter = new FakeAdapter()
    const delivered: DeepLink[] = []
    let release: () => void = () => undefined
    const starting = new Promise<void>((resolve) => (release = resolve))
    let pending: DeepLink | null = null
    runApp(
      adapter,
      { devServerUrl: undefined, argv: ['/opt/veracall'], log: () => {} },
      async (c) => {
        pending = c.pendingDeepLink
        await starting
        return {
          window: () => null,
          deliverDeepLink: (link) => delivered.push(link),
          stop: async () => undefined,
        }
      },
    )
    adapter.app.readyResolve()
    await flush()
    // Settings, server, IPC... are still starting when the link comes in.
    adapter.app.emit('second-instance', {}, ['/opt/veracall', 'veracall://call/grace'])
    expect(delivered).toEqual([])
    release()
    await flush()
    expect(pending).toBeNull()
    expect(delivered).toEqual([{ kind: 'call', username: 'grace' }])
    // Later links go straight through, and the startup one is not delivered twice.
    adapter.app.emit('open-url', fakeEvent(), 'veracall://call/ada')
    expect(delivered).toEqual([
      { kind: 'call', username: 'grace' },
      { kind: 'call', username: 'ada' },
    ])
  })

  it('installs the navigation policy for every webContents', () => {
    const { adapter } = start()
    expect(adapter.app.count('web-contents-created')).toBe(1)
  })

  it('quit waits for the services (server, detector) to stop, then quits', async () => {
    const { adapter, stopped } = start()
    adapter.app.readyResolve()
    await flush()
    adapter.app.quit()
    expect(adapter.app.calls.filter((c) => c === 'quit:done')).toEqual([])
    await flush()
    expect(stopped()).toBe(1)
    expect(adapter.app.calls.filter((c) => c === 'quit:done')).toHaveLength(1)
  })

  it('allows the dev server origin only when unpackaged', () => {
    expect(allowedOriginsFor('http://localhost:5173/', false)).toEqual([
      'app://veracall',
      'http://localhost:5173',
    ])
    expect(allowedOriginsFor('http://localhost:5173/', true)).toEqual(['app://veracall'])
    expect(allowedOriginsFor(undefined, false)).toEqual(['app://veracall'])
  })
})

describe('devServerUrlFrom', () => {
  it('treats an empty, non-http or packaged value as unset', () => {
    const logs: string[] = []
    const log = (m: string) => logs.push(m)
    expect(devServerUrlFrom(undefined, false, log)).toBeUndefined()
    expect(devServerUrlFrom('', false, log)).toBeUndefined()
    expect(devServerUrlFrom('  ', false, log)).toBeUndefined()
    expect(logs).toEqual([])
    expect(devServerUrlFrom('file:///etc/passwd', false, log)).toBeUndefined()
    expect(devServerUrlFrom('not a url', false, log)).toBeUndefined()
    expect(logs).toHaveLength(2)
    expect(devServerUrlFrom('http://localhost:5173', true, log)).toBeUndefined()
    expect(devServerUrlFrom('http://localhost:5173', false, log)).toBe('http://localhost:5173/')
  })
})
