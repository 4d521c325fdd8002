/**
 * Origins compared as parsed values, never with startsWith (E4). Node's URL gives 'null' as the
 * origin of non-special schemes, so app:// origins are rebuilt from protocol and host; Chromium
 * treats app:// as a standard scheme, where hosts are case-insensitive.
 */
const SPECIAL = new Set(['http:', 'https:', 'ws:', 'wss:'])

/** A parsed URL, or null when `raw` is not one (Node 20 has no URL.parse). */
export function parseUrl(raw: string): URL | null {
  try {
    return new URL(raw)
  } catch {
    return null
  }
}

export function originOf(raw: string): string | null {
  const url = parseUrl(raw)
  if (url === null) return null
  if (SPECIAL.has(url.protocol)) return url.origin
  if (url.protocol === 'app:') {
    if (url.username !== '' || url.password !== '' || url.port !== '' || url.host === '')
      return null
    return `app://${url.host.toLowerCase()}`
  }
  return null
}
