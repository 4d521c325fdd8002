/**
 * The one rule for links handed to the system browser (E6), in the desktop app's main process and
 * in the web build alike: the URL parses, is https (or http), names a host and carries no
 * credentials. Isomorphic.
 */
export function isSafeExternalUrl(raw: string): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false
  if (url.username !== '' || url.password !== '') return false
  return url.hostname !== ''
}
