import type { Platform } from './platform.js'
import { createElectronPlatform } from './electron.js'
import { createWebPlatform } from './web.js'

/** The desktop platform inside Electron (the preload's `window.veracall`), the web one elsewhere. */
export function resolvePlatform(): Platform {
  return createElectronPlatform() ?? createWebPlatform()
}
