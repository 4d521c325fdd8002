import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/**
 * The Electron binary, if installed. Read the way electron's own index.js does, but without
 * requiring it: since Electron 3x, `require('electron')` tries to download a missing binary.
 */
export function electronBinary(): string | null {
  try {
    const pkg = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
    const pathFile = join(pkg, 'path.txt')
    if (!existsSync(pathFile)) return null
    const rel = readFileSync(pathFile, 'utf8').trim()
    const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
    const binary = override ? join(override, rel) : join(pkg, 'dist', rel)
    return existsSync(binary) ? binary : null
  } catch {
    return null
  }
}
