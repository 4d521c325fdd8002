/**
 * The only webPreferences any window gets (E1). Insecure options are left at Electron's secure
 * defaults rather than spelled out, so a static scan can forbid their names outright.
 */
export const HARDENED_WEB_PREFERENCES = Object.freeze({
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  safeDialogs: true,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const)

export type HardenedWebPreferences = typeof HARDENED_WEB_PREFERENCES

/** Hardened prefs plus the per-window parts: the preload and DevTools (off when packaged, E15). */
export function webPreferencesFor(options: {
  preloadPath: string
  isPackaged: boolean
}): HardenedWebPreferences & { preload: string; devTools: boolean } {
  return {
    ...HARDENED_WEB_PREFERENCES,
    preload: options.preloadPath,
    devTools: !options.isPackaged,
  }
}
