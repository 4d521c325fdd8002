import Value from 'typebox/value'
import { describe, expect, it, vi } from 'vitest'
import { DEFAULT_SETTINGS, applyPatch } from '../../../src/main/settings/schema.js'
import {
  DEFAULT_PREFS,
  PREFS_KEY,
  createLocalPrefsStore,
  type Prefs,
} from '../../../src/renderer/src/controller/prefs.js'
import { AppController } from '../../../src/renderer/src/controller/app-controller.js'
import { createDesktopPrefsStore } from '../../../src/renderer/src/platform/desktop-prefs.js'
import type { Platform } from '../../../src/renderer/src/platform/platform.js'
import { createMemoryTokenStore } from '../../../src/renderer/src/platform/web.js'
import { createAppStore } from '../../../src/renderer/src/store/index.js'
import { SettingsPatch, type Settings } from '../../../src/shared/ipc-contract.js'
import { createFakeDesktop } from '../fakes/fake-desktop.js'

/** localStorage's three methods over a Map. */
function memoryStorage(entries: Record<string, string> = {}) {
  const map = new Map(Object.entries(entries))
  return {
    map,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
  }
}

const chosen: Prefs = {
  language: 'zh-CN',
  theme: 'dark',
  serverUrl: 'https://calls.example.org',
  stunUrls: [],
  turnUrls: ['turn:relay.example.org:3478'],
  turnUsername: 'relay-user',
  lastUsername: 'ada',
}

/**
 * Main's side of settings:get / settings:update: main's schema check (invalid_argument) and its
 * own patch function; `failWrites` plays a disk that refuses the save.
 */
function fakeMain(initial: Partial<Settings> = {}) {
  const state = {
    settings: { ...structuredClone(DEFAULT_SETTINGS), ...initial } as Settings,
    failWrites: false,
    /** The embedded server's address this launch. */
    localUrl: 'http://127.0.0.1:40123',
  }
  const desktop = createFakeDesktop({
    'settings:get': () => state.settings,
    'server:getInfo': () => ({
      running: true,
      localUrl: state.localUrl,
      lanUrls: [],
      sharing: false,
      error: null,
      secretEncrypted: true,
    }),
    'settings:update': (patch) => {
      if (!Value.Check(SettingsPatch, patch)) throw new Error('invalid_argument')
      if (state.failWrites) throw new Error('internal_error')
      state.settings = applyPatch(state.settings, patch as SettingsPatch)
      return state.settings
    },
  })
  return { state, desktop }
}

describe('web build: prefs in localStorage (veracall.prefs)', () => {
  it('loads defaults, saves changes under the one key, and loads them back', async () => {
    const storage = memoryStorage()
    const store = createLocalPrefsStore(storage)
    expect(await store.load()).toEqual(DEFAULT_PREFS)
    await store.save({ language: 'zh-CN', lastUsername: 'ada' })
    await store.save({ theme: 'dark' })
    expect([...storage.map.keys()]).toEqual([PREFS_KEY])
    expect(await createLocalPrefsStore(storage).load()).toEqual({
      ...DEFAULT_PREFS,
      language: 'zh-CN',
      lastUsername: 'ada',
      theme: 'dark',
    })
  })

  it('without storage keeps nothing and does not fail', async () => {
    const store = createLocalPrefsStore(null)
    await store.save({ language: 'zh-CN' })
    expect(await store.load()).toEqual(DEFAULT_PREFS)
  })
})

describe('desktop app: prefs in main settings', () => {
  it("moves an older version's localStorage prefs into main's settings once, then forgets them", async () => {
    const storage = memoryStorage({ [PREFS_KEY]: JSON.stringify(chosen) })
    // An older settings file: its unread `language: 'en'` default, nothing imported yet.
    const { state, desktop } = fakeMain({ language: 'en' })
    expect(await createDesktopPrefsStore(desktop.api, storage).load()).toEqual(chosen)
    expect(state.settings).toMatchObject({
      ...chosen,
      serverUrl: 'https://calls.example.org',
      localPrefsImported: true,
    })
    expect(storage.map.has(PREFS_KEY)).toBe(false)

    // The next launch reads main's settings only: no second copy, even if old prefs reappeared.
    storage.setItem(PREFS_KEY, JSON.stringify({ ...chosen, language: 'en' }))
    expect(await createDesktopPrefsStore(desktop.api, storage).load()).toEqual(chosen)
    expect(desktop.callsTo('settings:update')).toHaveLength(1)
  })

  it('gives a person who never changed anything the defaults, not the old file\'s "en"', async () => {
    const { state, desktop } = fakeMain({ language: 'en' })
    expect(await createDesktopPrefsStore(desktop.api, memoryStorage()).load()).toEqual(
      DEFAULT_PREFS,
    )
    expect(state.settings.language).toBe('system')
    expect(state.settings.localPrefsImported).toBe(true)
  })

  it('moves what main accepts and leaves out a value it would refuse', async () => {
    const tooMany = Array.from({ length: 40 }, (_, i) => `stun:s${i}.example.org:3478`)
    const storage = memoryStorage({
      [PREFS_KEY]: JSON.stringify({ ...chosen, stunUrls: tooMany, serverUrl: 'ftp://x' }),
    })
    const { state, desktop } = fakeMain()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    try {
      expect(await createDesktopPrefsStore(desktop.api, storage).load()).toEqual({
        ...chosen,
        stunUrls: null,
        serverUrl: null,
      })
    } finally {
      warn.mockRestore()
    }
    expect(state.settings).toMatchObject({ stunUrls: null, serverUrl: '', language: 'zh-CN' })
  })

  it('keeps the old prefs (and uses them) when main cannot save, and retries next launch', async () => {
    const storage = memoryStorage({ [PREFS_KEY]: JSON.stringify(chosen) })
    const { state, desktop } = fakeMain()
    state.failWrites = true
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    try {
      expect(await createDesktopPrefsStore(desktop.api, storage).load()).toEqual(chosen)
    } finally {
      warn.mockRestore()
    }
    expect(storage.map.has(PREFS_KEY)).toBe(true)
    expect(state.settings.localPrefsImported).toBe(false)
    state.failWrites = false
    expect(await createDesktopPrefsStore(desktop.api, storage).load()).toEqual(chosen)
    expect(state.settings.localPrefsImported).toBe(true)
    expect(storage.map.has(PREFS_KEY)).toBe(false)
  })

  it("saves changes into main's settings, the default server as ''", async () => {
    const { state, desktop } = fakeMain({ localPrefsImported: true })
    const store = createDesktopPrefsStore(desktop.api, memoryStorage())
    await store.save({ serverUrl: 'https://calls.example.org', lastUsername: 'grace' })
    expect(state.settings).toMatchObject({
      serverUrl: 'https://calls.example.org',
      lastUsername: 'grace',
    })
    // Signed in to the embedded server: its port is this launch's, so it is kept as the default.
    await store.save({ serverUrl: 'http://127.0.0.1:40123' })
    expect(state.settings.serverUrl).toBe('')
    await store.save({ serverUrl: 'http://127.0.0.1:8000' })
    expect(state.settings.serverUrl).toBe('http://127.0.0.1:8000')
    await store.save({ serverUrl: null, language: 'zh-CN', stunUrls: null })
    expect(desktop.callsTo('settings:update').at(-1)).toEqual([
      { serverUrl: '', language: 'zh-CN', stunUrls: null },
    ])
    expect(await store.load()).toEqual({
      ...DEFAULT_PREFS,
      lastUsername: 'grace',
      language: 'zh-CN',
    })
  })
})

describe('the app controller and its prefs', () => {
  it('starts from the loaded prefs and saves each change through the platform, no credential', async () => {
    const saved: Partial<Prefs>[] = []
    const platform: Platform = {
      kind: 'web',
      defaultServerUrl: async () => 'http://localhost:8000',
      tokens: createMemoryTokenStore(),
      prefs: { load: async () => chosen, save: async (patch) => void saved.push(patch) },
      notify: async () => false,
      ring: async () => false,
      detection: null,
      openExternal: () => undefined,
      saveRecording: async () => false,
      languages: () => ['en'],
    }
    const controller = new AppController({
      store: createAppStore(),
      platform,
      t: (key) => key,
      prefs: await platform.prefs.load(),
    })
    expect(controller.lastUsername).toBe('ada')
    expect(controller.turnSettings).toEqual({
      urls: ['turn:relay.example.org:3478'],
      username: 'relay-user',
      hasCredential: false,
    })
    controller.setLanguage('en')
    controller.setIce(['stun:s.example.org:3478'], {
      urls: ['turn:relay.example.org:3478'],
      username: 'relay-user',
      credential: 'secret-pass',
    })
    expect(saved).toEqual([
      { language: 'en' },
      {
        stunUrls: ['stun:s.example.org:3478'],
        turnUrls: ['turn:relay.example.org:3478'],
        turnUsername: 'relay-user',
      },
    ])
    expect(JSON.stringify(saved)).not.toContain('secret-pass')
    expect(controller.turnSettings.hasCredential).toBe(true)
  })
})
