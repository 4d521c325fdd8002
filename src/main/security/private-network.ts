import { parseUrl } from './origin.js'

/**
 * Plain http:// and ws:// only to this machine or the local network (E22: someone's shared LAN
 * server). The CSP has to allow `http:`/`ws:` for that, since a source list can't name IP ranges;
 * the request filter (request-filter.ts) uses this to keep them off public hosts. https/wss and app:// pass untouched.
 */
const PLAIN = new Set(['http:', 'ws:'])
/** Names that only resolve on a local network (mDNS, common router suffixes, RFC 8375). */
const LOCAL_SUFFIXES = ['.local', '.lan', '.home.arpa', '.internal', '.localhost']

export function isPrivateNetworkHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '')
  if (host.startsWith('[')) return isPrivateIpv6(host.slice(1, -1))
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host)
  if (v4 !== null) {
    const [a = -1, b = -1] = v4.slice(1, 3).map(Number)
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      // Carrier-grade NAT space, where mesh VPNs such as Tailscale put their peers.
      (a === 100 && b >= 64 && b <= 127)
    )
  }
  if (host === '') return false
  if (host === 'localhost') return true
  // A single-label name (e.g. "nas") is resolved by the local network's own DNS.
  return !host.includes('.') || LOCAL_SUFFIXES.some((suffix) => host.endsWith(suffix))
}

function isPrivateIpv6(host: string): boolean {
  if (host === '::1') return true
  const first = Number.parseInt(host.split(':')[0] ?? '', 16)
  if (Number.isNaN(first)) return false
  // fc00::/7 (unique local) and fe80::/10 (link-local).
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80
}

/** True when a request may go out: anything but plain http/ws, or plain to a private host. */
export function allowsRequest(rawUrl: string): boolean {
  const url = parseUrl(rawUrl)
  if (url === null) return false
  return !PLAIN.has(url.protocol) || isPrivateNetworkHost(url.hostname)
}
