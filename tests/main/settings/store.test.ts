import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, coerceSettings } from '../../../src/main/settings/schema.js'
import {
  SETTINGS_FILE,
  createSettingsStore,
  loadSettings,
} from '../../../src/main/settings/store.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'veracall-settings-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})
const file = () => path.join(dir, SETTINGS_FILE)

describe('settings load', () => {
  it('gives defaults when the file is missing', async () => {
    expect(await loadSettings(file())).toEqual({
      settings: DEFAULT_SETTINGS,
      problems: ['missing'],
    })
  })

  it.each(['{not json', '', '\u0000\u0001', 'null', '[1,2]', '42', '"str"'])(
    'gives defaults for a corrupt or wrong-shaped file: %j',
    async (content) => {
      await writeFile(file(), content)
      const { settings, problems } = await loadSettings(file())
      expect(settings).toEqual(DEFAULT_SETTINGS)
      expect(problems.length).toBeGreaterThan(0)
    },
  )

  it('keeps valid fields, repairs invalid ones, drops unknown ones', async () => {
    await writeFile(
      file(),
      JSON.stringify({
        doNotDisturb: true,
        analysisRate: 99,
        serverUrl: 'file:///etc/passwd',
        language: 'fr',
        theme: 'dark',
        turnUrls: ['turn:relay.example.org:3478'],
        // A field of older versions nobody read: dropped like any unknown one.
        devices: { audioInput: 'mic-1', videoInput: null, audioOutput: null },
        evil: 'x',
      }),
    )
    const { settings, problems } = await loadSettings(file())
    expect(settings).toEqual({
      ...DEFAULT_SETTINGS,
      doNotDisturb: true,
      theme: 'dark',
      turnUrls: ['turn:relay.example.org:3478'],
    })
    expect(problems.sort()).toEqual(['analysisRate', 'language', 'serverUrl'])
    expect(settings).not.toHaveProperty('evil')
    expect(settings).not.toHaveProperty('devices')
  })

  it('does not let a file pollute prototypes', () => {
    const { settings } = coerceSettings(
      JSON.parse('{"__proto__": {"polluted": true}, "doNotDisturb": true}'),
    )
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    expect(settings.doNotDisturb).toBe(true)
  })
})

describe('settings store', () => {
  it('saves atomically and reloads what it saved', async () => {
    const store = await createSettingsStore(dir, () => undefined)
    const changes: boolean[] = []
    store.onChange((next, previous) => changes.push(next.doNotDisturb !== previous.doNotDisturb))
    const next = await store.update({ doNotDisturb: true, analysisRate: 5 })
    expect(next.analysisRate).toBe(5)
    expect(changes).toEqual([true])
    expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual(next)
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([])
    const reopened = await createSettingsStore(dir, () => undefined)
    expect(reopened.get()).toEqual(next)
  })

  it('refuses an invalid update and keeps the old value', async () => {
    const store = await createSettingsStore(dir, () => undefined)
    await expect(store.update({ analysisRate: 0 } as never)).rejects.toThrow()
    expect(store.get()).toEqual(DEFAULT_SETTINGS)
  })

  it('recovers from a corrupt file on start and overwrites it on the next save', async () => {
    await writeFile(file(), '{"doNotDisturb": tru')
    const logs: string[] = []
    const store = await createSettingsStore(dir, (m) => logs.push(m))
    expect(store.get()).toEqual(DEFAULT_SETTINGS)
    expect(logs.join()).toContain('corrupt')
    await store.update({ language: 'zh-CN' })
    expect(JSON.parse(await readFile(file(), 'utf8')).language).toBe('zh-CN')
  })

  it('returns copies, so callers cannot mutate the stored settings', async () => {
    const store = await createSettingsStore(dir, () => undefined)
    const copy = store.get()
    copy.turnUrls.push('turn:hacked.example.org')
    expect(store.get().turnUrls).toEqual([])
  })
})
