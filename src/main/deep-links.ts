import Value from 'typebox/value'
import { DEEP_LINK_SCHEME, DeepLink } from '../shared/ipc-contract.js'
import { isSafeExternalUrl } from '../shared/external-url.js'
import { parseUrl } from './security/origin.js'

/**
 * Parses `veracall://call/<username>` and `veracall://server?url=<https url>` with the URL parser
 * and validates the result; anything else is null (E19). A server link is only a suggestion: the
 * renderer asks the user before switching servers.
 */
export function parseDeepLink(raw: string): DeepLink | null {
  if (raw.length > 2048) return null
  const url = parseUrl(raw)
  if (url === null) return null
  if (url.protocol !== `${DEEP_LINK_SCHEME}:` || url.username !== '' || url.password !== '')
    return null
  const segments = url.pathname.split('/').filter((s) => s !== '')
  let link: DeepLink | null = null
  if (url.host === 'call' && segments.length === 1) {
    let username: string
    try {
      username = decodeURIComponent(segments[0] ?? '')
    } catch {
      return null
    }
    link = { kind: 'call', username }
  } else if (url.host === 'server' && segments.length === 0) {
    const target = url.searchParams.get('url')
    if (target === null || !isSafeExternalUrl(target)) return null
    link = { kind: 'server', url: new URL(target).toString() }
  }
  return link !== null && Value.Check(DeepLink, link) ? link : null
}

/** The first valid deep link among command-line arguments (Windows/Linux deliver them there). */
export function findDeepLink(argv: readonly string[]): DeepLink | null {
  for (const arg of argv) {
    if (!arg.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`)) continue
    const link = parseDeepLink(arg)
    if (link !== null) return link
  }
  return null
}
