/**
 * main's entry point (src/main/index.ts) as the Electron e2e test launches it, minus the binary:
 * the real lifecycle, services and embedded signaling server over the fake Electron adapter.
 * `ELECTRON_RENDERER_URL: ''` once made main throw (`new URL('')`) before any window existed.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fakeEvent, FakeWebContents, type FakeAdapter } from './fakes.js'

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

  it.skipIf(process.platform === 'win32')(
    "keeps the server's database and secret readable by this user only",
    async () => {
      const adapter = await launch('')
      const info = await adapter.ipcMain.invoke('app://veracall/index.html', 'server:getInfo')
      expect(info).toMatchObject({ ok: true, value: { running: true, secretEncrypted: true } })
      const files = (await readdir(state.userData)).filter((f) => /^(signaling|server-)/.test(f))
      expect(files).toContain('signaling.db')
      expect(files).toContain('server-secret.enc')
      for (const file of files)
        expect([file, (await stat(path.join(state.userData, file))).mode & 0o777]).toEqual([
          file,
          0o600,
        ])
    },
  )

  it('in development loads the dev server and lets only its origin in besides the app', async () => {
    const adapter = await launch('http://localhost:5173')
    expect(adapter.windows[0]?.loaded).toEqual(['http://localhost:5173/'])
    const allowed = await adapter.ipcMain.invoke('http://localhost:5173/', 'app:getInfo')
    const foreign = await adapter.ipcMain.invoke('http://localhost:5174/', 'app:getInfo')
    expect([allowed, foreign]).toMatchObject([{ ok: true }, { ok: false }])
  })
})

/** Each check fails when its installer is dropped from start-up, not only when a policy is wrong. */
describe('security wiring after start-up', () => {
  it('the session has both permission handlers, reset first (E7)', async () => {
    const { session } = await launch('')
    expect(session.calls).toEqual(['request:null', 'check:null', 'request:set', 'check:set'])
    const asked = (origin: string): boolean => {
      let granted: boolean | null = null
      session.requestHandler?.({}, 'media', (g) => (granted = g), {
        requestingUrl: `${origin}/index.html`,
        mediaTypes: ['video'],
      })
      return granted === true
    }
    expect([asked('app://veracall'), asked('https://evil.example')]).toEqual([true, false])
    const check = (origin: string) =>
      session.checkHandler?.({}, 'media', origin, { requestingUrl: origin, mediaType: 'video' })
    expect([check('app://veracall'), check('https://evil.example')]).toEqual([true, false])
  })

  it('the session blocks the unused schemes (E11)', async () => {
    const { session } = await launch('')
    const file = session.protocol.handled.get('file')
    expect((await file?.(new Request('file:///etc/passwd')))?.status).toBe(404)
    expect(session.webRequest.allows('ftp://files.example.org/x')).toBe(false)
    expect(session.webRequest.allows('https://calls.example.org/')).toBe(true)
  })

  it('every webContents, the window and any later one, gets the navigation policy (E4, E5)', async () => {
    const adapter = await launch('')
    const later = new FakeWebContents()
    adapter.app.emit('web-contents-created', {}, later)
    for (const contents of [adapter.windows[0]?.webContents, later]) {
      const away = fakeEvent()
      contents?.emit('will-navigate', away, 'https://example.com/')
      const home = fakeEvent()
      contents?.emit('will-navigate', home, 'app://veracall/index.html')
      expect([away.prevented, home.prevented]).toEqual([true, false])
      expect(contents?.openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' })
      expect(contents?.count('will-attach-webview')).toBe(1)
    }
    expect(adapter.opened).toEqual(Array<string>(4).fill('https://example.com/'))
  })
})
