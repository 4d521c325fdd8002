import type { Listener, WebContentsLike } from '../electron-adapter.js'
import { isSafeExternalUrl } from '../../shared/external-url.js'
import { originOf } from './origin.js'

/** True only when `url` parses and its origin is one of the app's own (E4). */
export function isAllowedNavigation(url: string, allowedOrigins: readonly string[]): boolean {
  const origin = originOf(url)
  return origin !== null && allowedOrigins.includes(origin)
}

export interface WindowPolicyDeps {
  allowedOrigins: readonly string[]
  openExternal(url: string): Promise<void>
  log(message: string): void
}

/** The single place every external link goes through on its way to the system browser (E6). */
export function openExternalIfSafe(deps: WindowPolicyDeps, url: string): boolean {
  if (!isSafeExternalUrl(url)) {
    deps.log(`refused to open external URL with scheme ${safeScheme(url)}`)
    return false
  }
  void deps
    .openExternal(url)
    .catch((error: unknown) => deps.log(`openExternal failed: ${String(error)}`))
  return true
}

function safeScheme(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url)
  return match?.[1] ?? '(none)'
}

/**
 * Applied to every webContents (Signal's handleCommonWindowEvents, pattern 7): navigation away
 * from the app origin is prevented, every window.open is denied (safe links go to the browser),
 * and <webview> can't attach (E4, E5, E12).
 */
export function handleCommonWindowEvents(contents: WebContentsLike, deps: WindowPolicyDeps): void {
  const guard = (event: Listener, url: string): void => {
    if (isAllowedNavigation(url, deps.allowedOrigins)) return
    event.preventDefault()
    openExternalIfSafe(deps, url)
  }
  contents.on('will-navigate', guard)
  contents.on('will-redirect', guard)
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    openExternalIfSafe(deps, url)
    return { action: 'deny' }
  })
}

export function installWebContentsPolicy(
  app: {
    on(event: 'web-contents-created', listener: (e: unknown, c: WebContentsLike) => void): void
  },
  deps: WindowPolicyDeps,
): void {
  app.on('web-contents-created', (_event, contents) => handleCommonWindowEvents(contents, deps))
}
