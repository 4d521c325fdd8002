/**
 * main's entry point (src/main/index.ts) as the Electron e2e test launches it, minus the binary:
 * the real lifecycle, services and embedded signaling server over the fake Electron adapter.
 * `ELECTRON_RENDERER_URL: ''` once made main throw (`new URL('')`) before any window existed.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { FakeAdapter } from './fakes.js'

const state = vi.hoisted(() => ({ userData: '', adapter: null as FakeAdapter | null }))
vi.mock('../../src/main/electron-bindings.js', async () => {
  const { FakeAdapter } = await import('./fakes.js')
  return {
    createElectronAdapter: () => (state.adapter = new FakeAdapter(state.userData)),
  }
})

const saved = process.env['ELECTRON_RENDERER_URL']
afterEach(async () => {
  const adapter = state.adapter
  if (adapter !== null && !adapter.app.calls.includes('quit:done')) {
    adapter.app.quit()
    await expect.poll(() => adapter.app.calls.includes('quit:done')).toBe(true)
  }
  state.adapter = null
  if (saved === undefined) delete process.env['ELECTRON_RENDERER_URL']
  else process.env['ELECTRON_RENDERER_URL'] = saved
  await rm(state.userData, { recursive: true, force: true })
  vi.resetModules()
})

async function launch(rendererUrl: string): Promise<FakeAdapter> {
  state.userData = await mkdtemp(path.join(tmpdir(), 'veracall-entry-'))
  process.env['ELECTRON_RENDERER_URL'] = rendererUrl
  await import('../../src/main/index.js')
  const adapter = state.adapter
  if (adapter === null) throw new Error('index.ts built no adapter')
  adapter.app.readyResolve()
  await expect.poll(() => adapter.windows.length, { timeout: 15_000 }).toBe(1)
  return adapter
}

describe('main entry (the Electron e2e launch, without a binary)', () => {
  it("with ELECTRON_RENDERER_URL '' loads the built renderer and starts the embedded server", async () => {
    const adapter = await launch('')
    expect(adapter.app.calls.filter((c) => c.startsWith('exit:'))).toEqual([])
    expect(adapter.windows[0]?.loaded).toEqual(['app://veracall/index.html'])
    expect(adapter.session.protocol.handled.has('app')).toBe(true)
    const info = await adapter.ipcMain.invoke('app://veracall/index.html', 'server:getInfo')
    expect(info).toMatchObject({
      ok: true,
      value: { running: true, localUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) },
    })
  })

  it('in development loads the dev server and lets only its origin in besides the app', async () => {
    const adapter = await launch('http://localhost:5173')
    expect(adapter.windows[0]?.loaded).toEqual(['http://localhost:5173/'])
    const allowed = await adapter.ipcMain.invoke('http://localhost:5173/', 'app:getInfo')
    const foreign = await adapter.ipcMain.invoke('http://localhost:5174/', 'app:getInfo')
    expect([allowed, foreign]).toMatchObject([{ ok: true }, { ok: false }])
  })
})
