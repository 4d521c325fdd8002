import type { Platform } from './platform.js'
import { createWebPlatform } from './web.js'

/**
 * The desktop build's `platform/electron.ts` (written against `Platform`) exports
 * `createElectronPlatform(): Platform | null`, returning null outside Electron. It is picked up
 * here by glob, so the web build works whether or not that file exists yet.
 */
const electron = import.meta.glob<{ createElectronPlatform?: () => Platform | null }>(
  './electron.ts',
  { eager: true },
)

export function resolvePlatform(): Platform {
  for (const mod of Object.values(electron)) {
    const platform = mod.createElectronPlatform?.()
    if (platform) return platform
  }
  return createWebPlatform()
}
