/** Public STUN servers used when nothing else is configured (as the original client did). */
export const DEFAULT_STUN_URLS: readonly string[] = [
  'stun:stun.l.google.com:19302',
  'stun:stun1.l.google.com:19302',
  'stun:stun2.l.google.com:19302',
]

export interface TurnConfig {
  urls: string[]
  username: string
  credential: string
}

export interface IceConfig {
  /** `null` means the defaults; an empty list means no STUN at all (tests, LAN-only). */
  stunUrls: string[] | null
  turn: TurnConfig | null
}

const ICE_URL = /^(stuns?|turns?):[^\s]+$/i

/** Builds `RTCIceServer`s from configuration, dropping malformed URLs rather than failing a call. */
export function buildIceServers(config: IceConfig): RTCIceServer[] {
  const stun = (config.stunUrls ?? [...DEFAULT_STUN_URLS]).filter((u) => /^stuns?:/i.test(u))
  const servers: RTCIceServer[] = stun.length > 0 ? [{ urls: stun }] : []
  const turnUrls = config.turn?.urls.filter((u) => /^turns?:/i.test(u) && ICE_URL.test(u)) ?? []
  if (config.turn && turnUrls.length > 0) {
    servers.push({
      urls: turnUrls,
      username: config.turn.username,
      credential: config.turn.credential,
    })
  }
  return servers
}

/** Splits a free-text list (commas, spaces or lines) into ICE URLs. */
export function parseIceUrls(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => ICE_URL.test(s))
}
