import { randomBytes } from 'node:crypto'
import { BlockList, isIP } from 'node:net'
import { hostname } from 'node:os'
import { DEFAULT_USER_SEARCH_MIN_LENGTH, isTurnUrl } from './protocol/index.js'

/** Everything the server can be told, already parsed and checked. One source of truth for config. */
export interface Config {
  port: number
  host: string
  jwtSecret: string
  jwtExpireHours: number
  dbPath: string
  /** postgres://… : accounts and calls in Postgres (several nodes); unset = SQLite at dbPath. */
  databaseUrl: string | undefined
  /** redis://… : rooms, presence and event pushes through Redis; unset = in-memory fan-out. */
  redisUrl: string | undefined
  /** Names this process in logs, metrics and Redis presence; unique per node. */
  nodeId: string
  /** With Redis: how long a node's room presence outlives its last heartbeat (a killed node's sockets drop out). */
  presenceTtlMs: number
  /** How often each node sweeps for due ring and empty-room deadlines (a backstop for dead nodes). */
  sweepIntervalMs: number
  corsOrigins: string[]
  ringTimeoutS: number
  /** Seconds an answered call's room may stay empty before the call ends as `interrupted`. */
  emptyRoomTimeoutS: number
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** IPs/CIDRs of reverse proxies whose X-Forwarded-For is believed (F5); empty = none. */
  trustProxy: string[]
  /** IPs/CIDRs allowed to read /metrics; empty = /metrics is off. */
  metricsAllow: string[]
  /** Requests per minute per client IP across the API, and for register/login and calls/start. */
  rateLimit: { global: number; auth: number; callStart: number }
  /** Answer 503 while the event loop is saturated (SHED_LOAD=off turns it off). */
  shedLoad: boolean
  /** Characters a user search needs: shorter ones are refused, an empty one finds nobody. */
  userSearchMinLength: number
  /** Seconds between SIGTERM and the close, /health answering 503 (see shutdown.ts). */
  shutdownDrainS: number
  /** scrypt cost N (a power of two). The stored hash records it, so it can change over time. */
  scryptN: number
  /** A TURN server that shares `secret` with this one (coturn's REST-API scheme); unset = none. */
  turn: TurnConfig | undefined
  ws: {
    pingIntervalMs: number
    /** Messages per second a socket may send, and the burst it may save up. */
    messagesPerSecond: number
    messageBurst: number
    /** Bytes queued for a slow reader before it is disconnected (W9). */
    maxBufferedBytes: number
    maxSocketsPerUser: number
  }
}

export interface TurnConfig {
  /** `turn:`/`turns:` URLs handed to clients with each credential. */
  urls: string[]
  /** coturn's `static-auth-secret`: never logged, never sent. */
  secret: string
  /** Lifetime of a credential, in seconds. */
  ttlS: number
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export const DEFAULTS = {
  port: 8000,
  jwtExpireHours: 24,
  dbPath: './data/signaling.db',
  ringTimeoutS: 45,
  emptyRoomTimeoutS: 60,
  sweepIntervalMs: 1000,
  presenceTtlS: 15,
  logLevel: 'info',
  metricsAllow: ['127.0.0.1', '::1'],
  rateLimit: { global: 600, auth: 10, callStart: 30 },
  scryptN: 2 ** 15,
  shutdownDrainS: 3,
  turnTtlS: 3600,
  userSearchMinLength: DEFAULT_USER_SEARCH_MIN_LENGTH,
  ws: {
    pingIntervalMs: 15_000,
    messagesPerSecond: 50,
    messageBurst: 200,
    maxBufferedBytes: 1024 * 1024,
    maxSocketsPerUser: 16,
  },
} as const

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export const MIN_SECRET_BYTES = 32
/** Shorter shared TURN secrets could be guessed from a credential offline. */
export const MIN_TURN_SECRET_BYTES = 16

type Env = Record<string, string | undefined>

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return fallback
  if (!/^\d+$/.test(raw.trim()))
    throw new ConfigError(`${name} must be a whole number, got "${raw}"`)
  const value = Number(raw)
  if (value < min || value > max)
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`)
  return value
}

function onOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase()
  if (raw === undefined || raw === '') return fallback
  if (raw === 'on' || raw === 'true' || raw === '1') return true
  if (raw === 'off' || raw === 'false' || raw === '0') return false
  throw new ConfigError(`${name} must be on or off, got "${env[name]}"`)
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

/** Accepts only IPs and CIDRs, never `true` or a hop count (F5). */
export function parseAddressList(name: string, raw: string | undefined): string[] {
  const items = list(raw)
  for (const item of items) {
    const [address = '', prefix] = item.split('/')
    const family = isIP(address)
    const maxPrefix = family === 6 ? 128 : 32
    const prefixOk = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= maxPrefix)
    if (family === 0 || !prefixOk) {
      throw new ConfigError(`${name} takes IP addresses or CIDR ranges, got "${item}"`)
    }
  }
  return items
}

export function toBlockList(items: readonly string[]): BlockList {
  const blocks = new BlockList()
  for (const item of items) {
    const [address = '', prefix] = item.split('/')
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4'
    if (prefix === undefined) blocks.addAddress(address, type)
    else blocks.addSubnet(address, Number(prefix), type)
  }
  return blocks
}

function serviceUrl(
  env: Env,
  name: string,
  protocols: readonly string[],
  example: string,
): string | undefined {
  const raw = env[name]?.trim()
  if (!raw) return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(`${name} must be a URL like ${example}`)
  }
  if (!protocols.includes(url.protocol))
    throw new ConfigError(`${name} must start with ${protocols.join(' or ')}//, like ${example}`)
  return raw
}

/**
 * TURN_URLS and TURN_SECRET go together: one without the other is a mistake worth refusing to
 * start over. Messages never quote the secret.
 */
function turn(env: Env): TurnConfig | undefined {
  const urls = list(env.TURN_URLS)
  const secret = env.TURN_SECRET ?? ''
  if (urls.length === 0 && secret === '') return undefined
  if (urls.length === 0)
    throw new ConfigError('TURN_SECRET is set but TURN_URLS is not: set both or neither')
  if (secret === '')
    throw new ConfigError('TURN_URLS is set but TURN_SECRET is not: set both or neither')
  for (const url of urls) {
    if (!isTurnUrl(url))
      throw new ConfigError(
        `TURN_URLS takes turn: or turns: URLs like turn:turn.example.com:3478?transport=udp, got "${url}"`,
      )
  }
  if (Buffer.byteLength(secret) < MIN_TURN_SECRET_BYTES)
    throw new ConfigError(
      `TURN_SECRET must be at least ${MIN_TURN_SECRET_BYTES} bytes (coturn's static-auth-secret)`,
    )
  return { urls, secret, ttlS: int(env, 'TURN_TTL_S', DEFAULTS.turnTtlS, 60, 7 * 86_400) }
}

function nodeId(env: Env): string {
  const raw = env.NODE_ID?.trim()
  if (!raw) return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(raw))
    throw new ConfigError(
      `NODE_ID takes letters, digits, '.', '_' and '-' (at most 64), got "${raw}"`,
    )
  return raw
}

function origins(raw: string | undefined): string[] {
  return list(raw).map((item) => {
    let url: URL
    try {
      url = new URL(item)
    } catch {
      throw new ConfigError(
        `CORS_ORIGINS entries must be origins like https://app.example.com, got "${item}"`,
      )
    }
    if (url.origin === 'null' && !/^[a-z][a-z0-9+.-]*:\/\/[^/]+$/i.test(item)) {
      throw new ConfigError(`CORS_ORIGINS entry "${item}" is not an origin`)
    }
    return url.origin === 'null' ? item.replace(/\/$/, '') : url.origin
  })
}

export interface ConfigMode {
  /** The desktop app's embedded server listens on loopback by default; standalone on all interfaces. */
  embedded?: boolean
}

/**
 * Reads the environment described in protocol.md. Refuses a missing or short JWT_SECRET unless
 * NODE_ENV=development, where it makes a throwaway one (tokens then die with the process).
 */
export function loadConfig(env: Env = process.env, mode: ConfigMode = {}): Config {
  const development = env.NODE_ENV === 'development'
  let jwtSecret = env.JWT_SECRET ?? ''
  if (Buffer.byteLength(jwtSecret) < MIN_SECRET_BYTES) {
    if (!development) {
      throw new ConfigError(
        `JWT_SECRET must be set to at least ${MIN_SECRET_BYTES} bytes (it signs every login token). ` +
          `Generate one with: node -e "console.log(require('crypto').randomBytes(48).toString('base64url'))" ` +
          `and start the server with JWT_SECRET=<that value>, or set NODE_ENV=development to use a throwaway secret.`,
      )
    }
    jwtSecret = randomBytes(48).toString('base64url')
  }
  const logLevel = (env.LOG_LEVEL ?? DEFAULTS.logLevel).trim()
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`)
  }
  const host = (env.HOST ?? (mode.embedded ? '127.0.0.1' : '0.0.0.0')).trim()
  if (isIP(host) === 0 && host !== 'localhost') {
    throw new ConfigError(`HOST must be an IP address (e.g. 127.0.0.1 or 0.0.0.0), got "${host}"`)
  }
  const scryptLog2 = int(env, 'SCRYPT_LOG2_N', Math.log2(DEFAULTS.scryptN), 10, 20)
  return {
    port: int(env, 'PORT', DEFAULTS.port, 0, 65535),
    host,
    jwtSecret,
    jwtExpireHours: int(env, 'JWT_EXPIRE_HOURS', DEFAULTS.jwtExpireHours, 1, 24 * 365),
    dbPath: (env.DB_PATH ?? DEFAULTS.dbPath).trim() || DEFAULTS.dbPath,
    databaseUrl: serviceUrl(
      env,
      'DATABASE_URL',
      ['postgres:', 'postgresql:'],
      'postgres://user@host:5432/veracall',
    ),
    redisUrl: serviceUrl(env, 'REDIS_URL', ['redis:', 'rediss:'], 'redis://host:6379'),
    nodeId: nodeId(env),
    sweepIntervalMs: DEFAULTS.sweepIntervalMs,
    presenceTtlMs: int(env, 'PRESENCE_TTL_S', DEFAULTS.presenceTtlS, 2, 300) * 1000,
    corsOrigins: origins(env.CORS_ORIGINS),
    ringTimeoutS: int(env, 'RING_TIMEOUT_S', DEFAULTS.ringTimeoutS, 1, 3600),
    emptyRoomTimeoutS: int(env, 'EMPTY_ROOM_TIMEOUT_S', DEFAULTS.emptyRoomTimeoutS, 1, 86_400),
    logLevel: logLevel as Config['logLevel'],
    trustProxy: parseAddressList('TRUST_PROXY', env.TRUST_PROXY),
    metricsAllow:
      env.METRICS_ALLOW === undefined
        ? [...DEFAULTS.metricsAllow]
        : env.METRICS_ALLOW.trim() === 'off'
          ? []
          : parseAddressList('METRICS_ALLOW', env.METRICS_ALLOW),
    rateLimit: {
      global: int(env, 'RATE_LIMIT_PER_MIN', DEFAULTS.rateLimit.global, 1, 1_000_000),
      auth: int(env, 'RATE_LIMIT_AUTH_PER_MIN', DEFAULTS.rateLimit.auth, 1, 1_000_000),
      callStart: int(env, 'RATE_LIMIT_CALLS_PER_MIN', DEFAULTS.rateLimit.callStart, 1, 1_000_000),
    },
    shedLoad: onOff(env, 'SHED_LOAD', true),
    scryptN: 2 ** scryptLog2,
    turn: turn(env),
    shutdownDrainS: int(env, 'SHUTDOWN_DRAIN_S', DEFAULTS.shutdownDrainS, 0, 60),
    // At most the query's own maxLength (64), or no search could ever be long enough.
    userSearchMinLength: int(env, 'USER_SEARCH_MIN_LENGTH', DEFAULTS.userSearchMinLength, 1, 64),
    ws: {
      ...DEFAULTS.ws,
      pingIntervalMs:
        int(env, 'WS_PING_INTERVAL_S', DEFAULTS.ws.pingIntervalMs / 1000, 1, 300) * 1000,
      // A socket's message budget (W7): a load test, or a deployment whose clients signal more.
      messagesPerSecond: int(
        env,
        'WS_MESSAGES_PER_SECOND',
        DEFAULTS.ws.messagesPerSecond,
        1,
        1_000_000,
      ),
      messageBurst: int(env, 'WS_MESSAGE_BURST', DEFAULTS.ws.messageBurst, 1, 1_000_000),
    },
  }
}
