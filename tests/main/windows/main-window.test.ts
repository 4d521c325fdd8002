import { describe, expect, it } from 'vitest'
import { HARDENED_WEB_PREFERENCES } from '../../../src/main/security/web-preferences.js'
import {
  MAX_RELOADS,
  createMainWindow,
  revealWindow,
} from '../../../src/main/windows/main-window.js'
import { FakeAdapter, fakeEvent } from '../fakes.js'

function makeWindow(isPackaged: boolean, closeToTray = true, quitting = false) {
  const adapter = new FakeAdapter()
  const logs: string[] = []
  const window = createMainWindow({
    adapter,
    isPackaged,
    preloadPath: '/app/out/preload/index.cjs',
    url: 'app://veracall/index.html',
    closeToTray: () => closeToTray,
    isQuitting: () => quitting,
    log: (m) => logs.push(m),
  })
  const fake = adapter.windows[0]
  if (fake === undefined || fake !== window)
    throw new Error('window not created through the adapter')
  return { fake, logs }
}

describe('hardened web preferences (E1, E15)', () => {
  it('exports exactly the hardened constant', () => {
    expect(HARDENED_WEB_PREFERENCES).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      safeDialogs: true,
      navigateOnDragDrop: false,
      spellcheck: false,
    })
    expect(Object.isFrozen(HARDENED_WEB_PREFERENCES)).toBe(true)
  })

  it('createMainWindow passes exactly the hardened prefs plus preload and devTools', () => {
    for (const isPackaged of [true, false]) {
      const { fake } = makeWindow(isPackaged)
      expect(fake.options.webPreferences).toEqual({
        ...HARDENED_WEB_PREFERENCES,
        preload: '/app/out/preload/index.cjs',
        devTools: !isPackaged,
      })
      expect(fake.loaded).toEqual(['app://veracall/index.html'])
    }
  })

  it('shows only when ready, hides to the tray on close, closes when quitting', () => {
    const { fake } = makeWindow(true)
    expect(fake.options.show).toBe(false)
    fake.emit('ready-to-show')
    expect(fake.visible).toBe(true)
    const close = fakeEvent()
    fake.emit('close', close)
    expect(close.prevented).toBe(true)
    expect(fake.visible).toBe(false)

    const quitting = makeWindow(true, true, true).fake
    const quitClose = fakeEvent()
    quitting.emit('close', quitClose)
    expect(quitClose.prevented).toBe(false)

    const noTray = makeWindow(true, false).fake
    const plainClose = fakeEvent()
    noTray.emit('close', plainClose)
    expect(plainClose.prevented).toBe(false)
  })
})

describe('renderer crash resilience (E20)', () => {
  it('logs and reloads after a crash or a preload error, up to a cap', () => {
    const { fake, logs } = makeWindow(true)
    fake.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 })
    expect(fake.webContents.reloads).toBe(1)
    fake.webContents.emit('preload-error', {}, '/p.cjs', new Error('boom'))
    expect(fake.webContents.reloads).toBe(2)
    expect(logs.some((l) => l.includes('crashed'))).toBe(true)
    expect(logs.some((l) => l.includes('boom'))).toBe(true)
    for (let i = 0; i < 5; i += 1) {
      fake.webContents.emit('render-process-gone', {}, { reason: 'oom', exitCode: 1 })
    }
    expect(fake.webContents.reloads).toBe(MAX_RELOADS)
  })

  it('does not reload after a clean exit', () => {
    const { fake } = makeWindow(true)
    fake.webContents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 })
    expect(fake.webContents.reloads).toBe(0)
  })

  it('revealWindow restores, shows and focuses', () => {
    const { fake } = makeWindow(true)
    fake.minimized = true
    revealWindow(fake)
    expect([fake.minimized, fake.visible, fake.focused]).toEqual([false, true, true])
    expect(() => revealWindow(null)).not.toThrow()
  })
})
