/**
 * The Content-Security-Policy of the one Veracall renderer, for each place that serves it (E3, F7):
 * `desktop` is the app:// page of the Electron app (main's header and the built index.html's
 * <meta>), `web` is the web build (this server's helmet header and the built page's <meta>).
 * It lives with the protocol because the server must not depend on the app, and both the app and
 * the server already share this package; no imports, so build configs can load it as a file.
 */
export type CspTarget = 'desktop' | 'web'

export interface CspOptions {
  target: CspTarget
  /** Development relaxations for Vite's inline React-refresh preamble and HMR socket. */
  dev: boolean
  /** Vite dev server origin in development (default http://localhost:5173). */
  devServerOrigin?: string
}

/**
 * Signaling servers: any https/wss server; plain http/ws for the embedded one on loopback and for
 * someone's shared LAN server or a self-hosted one (E22). A source list can't name private IP
 * ranges, so `http:`/`ws:` are allowed here; the desktop app's request filter
 * (src/main/security/private-network.ts) refuses them to public hosts.
 */
const CONNECT_SRC = ["'self'", 'https:', 'wss:', 'http:', 'ws:']

export function cspDirectives(options: CspOptions): Record<string, string[]> {
  const { dev } = options
  const devOrigin = options.devServerOrigin ?? 'http://localhost:5173'
  const devWs = devOrigin.replace(/^http/, 'ws')
  return {
    'default-src': ["'none'"],
    'script-src': dev ? ["'self'", "'unsafe-inline'", devOrigin] : ["'self'"],
    'style-src': dev ? ["'self'", "'unsafe-inline'", devOrigin] : ["'self'"],
    // The desktop app refuses the data: scheme outright (main's blocked-schemes.ts); the web
    // build has always allowed data: images.
    'img-src': options.target === 'web' ? ["'self'", 'data:', 'blob:'] : ["'self'", 'blob:'],
    'media-src': ["'self'", 'blob:', 'mediastream:'],
    'font-src': ["'self'"],
    'connect-src': dev ? [...CONNECT_SRC, devOrigin, devWs] : CONNECT_SRC,
    'worker-src': ["'self'"],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-src': ["'none'"],
    'frame-ancestors': ["'none'"],
  }
}

/** The header form. */
export function buildCsp(options: CspOptions): string {
  return serialize(Object.entries(cspDirectives(options)))
}

/** The <meta> form: `frame-ancestors` is ignored (and warned about) in a meta policy. */
export function buildMetaCsp(options: CspOptions): string {
  return serialize(
    Object.entries(cspDirectives(options)).filter(([name]) => name !== 'frame-ancestors'),
  )
}

function serialize(directives: [string, string[]][]): string {
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ')
}
