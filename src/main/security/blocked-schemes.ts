import type { ProtocolLike } from '../electron-adapter.js'

/**
 * Schemes the app never loads (E11, after Signal's installWebHandler). http/https/ws/wss stay
 * open because the renderer talks to signaling servers; app:// is served by app-protocol.ts.
 */
export const BLOCKED_SCHEMES = [
  'about',
  'content',
  'chrome',
  'cid',
  'data',
  'file',
  'filesystem',
  'ftp',
  'gopher',
  'javascript',
  'mailto',
] as const

export function installBlockedSchemes(
  protocol: ProtocolLike,
  log: (message: string) => void,
): string[] {
  const installed: string[] = []
  for (const scheme of BLOCKED_SCHEMES) {
    try {
      protocol.handle(scheme, () => new Response(null, { status: 404 }))
      installed.push(scheme)
    } catch (error) {
      // Some builds refuse to intercept a built-in scheme; navigation policy still applies.
      log(`could not block ${scheme}: ${String(error)}`)
    }
  }
  return installed
}
