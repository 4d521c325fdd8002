/**
 * The Content-Security-Policy of the renderer (E3). The same production string is sent as a
 * response header by the app:// handler and injected as a <meta> into the built index.html.
 * Development relaxations (Vite's inline React-refresh preamble and HMR socket) exist only here.
 */
export interface CspOptions {
  dev: boolean
  /** Vite dev server origin in development, e.g. http://localhost:5173. */
  devServerOrigin?: string
}

/**
 * Signaling servers: any https/wss server; plain http/ws for the embedded one on loopback and for
 * someone's shared LAN server (E22). A source list can't name private IP ranges, so `http:`/`ws:`
 * are allowed here and main's request filter (private-network.ts) refuses them to public hosts.
 */
const CONNECT_SRC = ["'self'", 'https:', 'wss:', 'http:', 'ws:']

export function cspDirectives(options: CspOptions): Record<string, string[]> {
  const dev = options.dev
  const devOrigin = options.devServerOrigin ?? 'http://localhost:5173'
  const devWs = devOrigin.replace(/^http/, 'ws')
  return {
    'default-src': ["'none'"],
    'script-src': dev ? ["'self'", "'unsafe-inline'", devOrigin] : ["'self'"],
    'style-src': dev ? ["'self'", "'unsafe-inline'", devOrigin] : ["'self'"],
    'img-src': ["'self'", 'blob:'],
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
