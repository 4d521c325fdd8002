import { randomBytes } from 'node:crypto'
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import type { Settings, SettingsPatch } from '../../shared/ipc-contract.js'
import { applyPatch, coerceSettings, defaultSettings } from './schema.js'

export const SETTINGS_FILE = 'settings.json'

export interface SettingsStore {
  get(): Settings
  update(patch: SettingsPatch | { customModelFolder: string | null }): Promise<Settings>
  onChange(listener: (next: Settings, previous: Settings) => void): () => void
}

export interface LoadResult {
  settings: Settings
  /** Why the file wasn't used as is: 'missing', 'corrupt' (unreadable JSON) or repaired fields. */
  problems: string[]
}

/** Validated load (E: settings): a missing or corrupt file gives defaults, never a crash. */
export async function loadSettings(file: string): Promise<LoadResult> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    return { settings: defaultSettings(), problems: ['missing'] }
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return { settings: defaultSettings(), problems: ['corrupt'] }
  }
  const { settings, repaired } = coerceSettings(raw)
  return { settings, problems: repaired }
}

/** Writes a temp file, flushes it and renames it over the old one: a crash leaves either. */
export async function saveSettingsAtomically(file: string, settings: Settings): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`
  const handle = await open(temp, 'w', 0o600)
  try {
    await handle.writeFile(JSON.stringify(settings, null, 2) + '\n', 'utf8')
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await rename(temp, file)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}

export async function createSettingsStore(
  dir: string,
  log: (m: string) => void,
): Promise<SettingsStore> {
  const file = path.join(dir, SETTINGS_FILE)
  const loaded = await loadSettings(file)
  if (loaded.problems.length > 0 && loaded.problems[0] !== 'missing') {
    log(`settings: using defaults for ${loaded.problems.join(', ')}`)
  }
  let current = loaded.settings
  const listeners = new Set<(next: Settings, previous: Settings) => void>()
  // Serialise writes so two quick updates can't land out of order.
  let queue: Promise<void> = Promise.resolve()

  return {
    get: () => structuredClone(current),
    async update(patch) {
      const previous = current
      const next = applyPatch(current, patch as SettingsPatch)
      current = next
      const write = queue.then(() => saveSettingsAtomically(file, next))
      queue = write.catch(() => undefined)
      try {
        await write
      } catch (error) {
        current = previous
        throw error
      }
      for (const listener of listeners) listener(structuredClone(next), structuredClone(previous))
      return structuredClone(next)
    },
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
