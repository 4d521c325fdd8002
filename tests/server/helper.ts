import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import { onCleanup } from '../cleanup.js'
import { startPostgres, startRedis } from './backends.js'
import { spawnFixtureProcess } from './fixture-process.js'
import WebSocket from 'ws'
import {
  createSignalingServer,
  loadConfig,
  type Config,
  type SignalingServer,
} from 'veracall-signaling'
import type { AuthResponse, Call } from 'veracall-signaling/protocol'

export const TEST_SECRET = 'test-secret-that-is-long-enough-0123456789'

/** A fresh directory for a test's SQLite file, removed when the test or suite that made it ends. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'veracall-test-'))
  onCleanup(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export function testConfig(
  overrides: Partial<Config> = {},
  env: Record<string, string> = {},
): Config {
  return {
    ...loadConfig(
      {
        JWT_SECRET: TEST_SECRET,
        DB_PATH: join(tempDir(), 'signaling.db'),
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        // The cheapest cost the server accepts: tests register many users.
        SCRYPT_LOG2_N: '10',
        // The test's own client shares the server's event loop: don't shed its load.
        SHED_LOAD: 'off',
        RATE_LIMIT_PER_MIN: '100000',
        RATE_LIMIT_AUTH_PER_MIN: '100000',
        RATE_LIMIT_CALLS_PER_MIN: '100000',
        ...env,
      },
      { embedded: true },
    ),
    ...overrides,
  }
}

/** Collects log lines, to check what the server writes down. */
export class LogCapture extends Writable {
  readonly lines: string[] = []
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(chunk.toString())
    done()
  }
  get text(): string {
    return this.lines.join('')
  }
}

export interface TestServer {
  server: SignalingServer
  url: string
  wsUrl: string
  config: Config
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T; headers: Headers }>
  register(username?: string, password?: string): Promise<AuthResponse>
  startCall(caller: AuthResponse, callee: AuthResponse, callType?: 'audio' | 'video'): Promise<Call>
}

let counter = 0
export const uniqueName = (prefix = 'user'): string => `${prefix}${process.pid}_${++counter}`

/**
 * The real server on 127.0.0.1 with a real SQLite file, stopped when the test or suite that
 * started it ends (onCleanup), and before its temp dir is removed.
 */
export async function startServer(
  overrides: Partial<Config> = {},
  env: Record<string, string> = {},
  extra: { logStream?: Writable; clock?: () => number } = {},
): Promise<TestServer> {
  const config = testConfig(overrides, env)
  const server = createSignalingServer({
    config,
    ...(extra.logStream && { logStream: extra.logStream }),
    ...(extra.clock && { clock: extra.clock }),
  })
  const { url } = await server.start()
  onCleanup(() => server.stop())
  const request: TestServer['request'] = async (method, path, body, token, headers = {}) => {
    const response = await fetch(url + path, {
      method,
      headers: {
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(token && { authorization: `Bearer ${token}` }),
        ...headers,
      },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    })
    const text = await response.text()
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as never, headers: response.headers }
  }
  const register = async (
    username = uniqueName(),
    password = 'correct horse battery',
  ): Promise<AuthResponse> => {
    const { status, body } = await request<AuthResponse>('POST', '/api/v1/auth/register', {
      username,
      password,
    })
    if (status !== 201) throw new Error(`register failed: ${status} ${JSON.stringify(body)}`)
    return body
  }
  const startCall = async (
    caller: AuthResponse,
    callee: AuthResponse,
    callType: 'audio' | 'video' = 'video',
  ): Promise<Call> => {
    const { status, body } = await request<{ call: Call }>(
      'POST',
      '/api/v1/calls/start',
      { callee_id: callee.user.id, call_type: callType },
      caller.token,
    )
    if (status !== 201) throw new Error(`start failed: ${status} ${JSON.stringify(body)}`)
    return body.call
  }
  return { server, url, wsUrl: url.replace(/^http/, 'ws'), config, request, register, startCall }
}

/** A `ws` client that records what it receives and how it closed. */
export class TestSocket {
  readonly messages: Record<string, unknown>[] = []
  readonly socket: WebSocket
  readonly opened: Promise<void>
  readonly closed: Promise<{ code: number; reason: string }>
  #waiters: (() => void)[] = []

  constructor(url: string, options: WebSocket.ClientOptions & { protocols?: string[] } = {}) {
    this.socket = new WebSocket(url, options.protocols ?? [], options)
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve())
      this.socket.once('unexpected-response', (_req, res) =>
        reject(new Error(`HTTP ${res.statusCode}`)),
      )
      this.socket.once('error', reject)
    })
    this.closed = new Promise((resolve) =>
      this.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    )
    this.socket.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as Record<string, unknown>)
      for (const wake of this.#waiters.splice(0)) wake()
    })
    this.socket.on('error', () => {})
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message))
  }

  /** Resolves with the first received message (past or future) that matches, or rejects after `ms`. */
  async next(
    predicate: (m: Record<string, unknown>) => boolean,
    ms = 5000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms
    for (;;) {
      const found = this.messages.find(predicate)
      if (found) {
        this.messages.splice(this.messages.indexOf(found), 1)
        return found
      }
      const left = deadline - Date.now()
      if (left <= 0)
        throw new Error(`no matching message within ${ms} ms; got ${JSON.stringify(this.messages)}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  ofType(type: string, ms?: number): Promise<Record<string, unknown>> {
    return this.next((m) => m.type === type, ms)
  }

  close(): void {
    this.socket.close()
  }
}

export const envelope = (
  type: string,
  roomId: string,
  data: unknown = {},
  extra: Record<string, unknown> = {},
) => ({
  type,
  call_id: roomId,
  user_id: '',
  data,
  timestamp: Date.now(),
  ...extra,
})

/** The call carried by a /ws/events message. */
export const callOf = (message: Record<string, unknown>): Call =>
  (message.data as { call: Call }).call

/** Each user's open /ws/events socket. */
export async function eventSockets(t: TestServer, ...users: AuthResponse[]): Promise<TestSocket[]> {
  const sockets = users.map((u) => new TestSocket(`${t.wsUrl}/ws/events?token=${u.token}`))
  await Promise.all(sockets.map((s) => s.opened))
  return sockets
}

/** Signs a JWT with the test secret; every claim and the header can be bent to test refusals (D1). */
export async function signTestToken(
  userId: string,
  options: {
    alg?: string
    secret?: string
    issuer?: string
    audience?: string
    /** Expiry in seconds since the epoch; null leaves `exp` out. */
    exp?: number | null
  } = {},
): Promise<string> {
  const { SignJWT } = await import('jose')
  let jwt = new SignJWT({ username: 'someone' })
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(options.issuer ?? 'veracall-signaling')
    .setAudience(options.audience ?? 'veracall')
    .setIssuedAt()
  const exp = options.exp === undefined ? Math.floor(Date.now() / 1000) + 3600 : options.exp
  if (exp !== null) jwt = jwt.setExpirationTime(exp)
  return jwt.sign(new TextEncoder().encode(options.secret ?? TEST_SECRET))
}

/** An unsigned `alg: none` token for `userId` (which a server must never accept). */
export function unsignedToken(userId: string): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({
    sub: userId,
    username: 'someone',
    iss: 'veracall-signaling',
    aud: 'veracall',
    iat: now,
    exp: now + 3600,
  })}.`
}

export type UpgradeOutcome =
  | { upgraded: true; protocol: string | undefined; socket: WebSocket }
  | { upgraded: false; status: number; body: string }

/** Tries a WebSocket upgrade and reports whether it was refused over HTTP (and how) or completed. */
export function tryUpgrade(
  url: string,
  options: WebSocket.ClientOptions & { protocols?: string[] } = {},
): Promise<UpgradeOutcome> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols ?? [], options)
    socket.on('error', () => {})
    socket.once('upgrade', (response) => {
      const header = response.headers['sec-websocket-protocol']
      socket.once('open', () => resolve({ upgraded: true, protocol: header, socket }))
    })
    socket.once('unexpected-response', (_request, response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({ upgraded: false, status: response.statusCode ?? 0, body }))
      response.on('error', reject)
    })
  })
}

/** A fixture script in a child process (tsx, workspace sources), its stdout as JSON lines. */
export interface Fixture {
  child: ChildProcess
  /** Every JSON line printed so far. */
  lines: Record<string, unknown>[]
  /** Resolves with the first line (past or future) that matches. */
  line(predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export function spawnFixture(script: string, env: Record<string, string>): Fixture {
  const child = spawnFixtureProcess(script, env)
  const lines: Record<string, unknown>[] = []
  const waiters: (() => void)[] = []
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
    try {
      lines.push(JSON.parse(text) as Record<string, unknown>)
    } catch {
      return // a log line, not an ack
    }
    for (const wake of waiters.splice(0)) wake()
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    // 'close', not 'exit': every line the child printed has been read by then.
    child.once('close', (code, signal) => {
      resolve({ code, signal })
      for (const wake of waiters.splice(0)) wake()
    }),
  )
  // Stopped when the test or suite that started it ends, failed or not; and if this process goes first (a crashed or
  // terminated worker), the fixture sees its stdin close (stop-with-parent.ts).
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  onCleanup(kill)
  process.once('exit', kill)
  const line: Fixture['line'] = async (predicate) => {
    for (;;) {
      const found = lines.find(predicate)
      if (found) return found
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(
          `fixture ${script} exited (${child.exitCode ?? child.signalCode}): ${stderr}`,
        )
      await new Promise<void>((resolve) => waiters.push(resolve))
    }
  }
  return { child, lines, line, exited }
}

/**
 * Two nodes on one Postgres and one Redis, seen as one server: each request and each socket goes
 * to the next node in turn, so a suite written for one server runs unchanged against a cluster.
 * Everything is stopped when the test or suite that started it ends (nodes first).
 */
export async function startCluster(overrides: Partial<Config> = {}): Promise<TestServer> {
  const postgres = await startPostgres()
  onCleanup(() => postgres.stop())
  const redis = await startRedis()
  onCleanup(() => redis.stop())
  const nodes: TestServer[] = []
  for (const nodeId of ['node-1', 'node-2'])
    nodes.push(
      await startServer({ databaseUrl: postgres.url, redisUrl: redis.url, nodeId, ...overrides }),
    )
  let turn = 0
  const next = (): TestServer => {
    const node = nodes[turn++ % nodes.length]
    if (!node) throw new Error('no nodes')
    return node
  }
  const first = nodes[0]
  if (!first) throw new Error('no nodes')
  return {
    ...first,
    get url() {
      return next().url
    },
    get wsUrl() {
      return next().wsUrl
    },
    request: (...args) => next().request(...args),
    register: (...args) => next().register(...args),
    startCall: (...args) => next().startCall(...args),
  }
}
