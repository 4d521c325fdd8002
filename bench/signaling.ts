/**
 * `npm run bench:signaling`: a bounded loopback load against the project's signaling server and,
 * in the same run, against bare baselines (a `ws` relay, a Fastify hello route). Each server runs
 * in its own child process (its RSS alone, its own event loop); this process only generates load.
 * Prints a table and a final JSON line. Not a test: the figures depend on the machine.
 *
 * Knobs (environment): BENCH_ROOMS (200), BENCH_DURATION_S (10), BENCH_IDLE_SOCKETS (2000),
 * BENCH_HTTP_DURATION_S (5), BENCH_CPU_PROF=<dir> (profile the project's server with --cpu-prof).
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AuthResponse } from 'veracall-signaling/protocol'
import { startChildTarget, type ChildTarget } from './lib/child-target.js'
import { helloRoute, startEndCycle, usersMe, type HttpResult } from './lib/http-load.js'
import {
  api,
  bareRooms,
  BENCH_PASSWORD,
  pool,
  registerUsers,
  shed,
  startCalls,
} from './lib/rest-setup.js'
import type { MemorySample, TargetSpec } from './lib/target-protocol.js'
import { closeRooms, openRooms, percentile, pingPong, type PingPongResult } from './lib/ws-load.js'

const num = (name: string, fallback: number): number => {
  const value = Number(process.env[name])
  return Number.isFinite(value) && value > 0 ? value : fallback
}

const PLAN = {
  rooms: num('BENCH_ROOMS', 200),
  warmupS: 2,
  durationS: num('BENCH_DURATION_S', 10),
  sdpBytes: 1024,
  idleSockets: num('BENCH_IDLE_SOCKETS', 2000),
  httpWarmupS: 1,
  httpDurationS: num('BENCH_HTTP_DURATION_S', 5),
  httpConnections: 32,
  logins: 20,
}
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF

/** Setup registers thousands of users: the cheapest scrypt cost the server accepts. Login is measured apart at the default cost. */
const SETUP_SCRYPT_LOG2_N = 10
/**
 * Limits raised for the load, not hidden: every socket here sends one message per round trip
 * (well over the default 50/s with a fast server), and all users share one IP for REST.
 */
const LOAD_WS_LIMITS = { messagesPerSecond: 100_000, messageBurst: 100_000 }
const LOAD_RATE_LIMITS = {
  RATE_LIMIT_PER_MIN: '1000000',
  RATE_LIMIT_AUTH_PER_MIN: '1000000',
  RATE_LIMIT_CALLS_PER_MIN: '1000000',
}

const workDir = mkdtempSync(join(tmpdir(), 'veracall-bench-'))
let dbCount = 0

function veracallSpec(scryptLog2N: number | undefined): Extract<TargetSpec, { kind: 'veracall' }> {
  return {
    kind: 'veracall',
    env: {
      NODE_ENV: 'production',
      JWT_SECRET: randomBytes(48).toString('base64url'),
      DB_PATH: join(workDir, `signaling-${++dbCount}.db`),
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      // The load saturates the server on purpose: measure capacity, not @fastify/under-pressure's
      // 503s (which the REST figures would count as failures anyway).
      SHED_LOAD: 'off',
      ...LOAD_RATE_LIMITS,
      ...(scryptLog2N !== undefined && { SCRYPT_LOG2_N: String(scryptLog2N) }),
    },
    ws: LOAD_WS_LIMITS,
  }
}

const log = (line: string): void => void process.stderr.write(`${line}\n`)
const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10
const round = (value: number, digits = 2): number => Number(value.toFixed(digits))

async function withTarget<T>(
  spec: TargetSpec,
  body: (target: ChildTarget) => Promise<T>,
  profile = false,
): Promise<T> {
  const target = await startChildTarget(spec, profile ? CPU_PROF_DIR : undefined)
  try {
    return await body(target)
  } finally {
    await target.stop()
  }
}

interface RelayFigures extends PingPongResult {
  rssMb: number
}

async function relayRun(target: ChildTarget, rooms: Awaited<ReturnType<typeof startCalls>>) {
  const open = await openRooms(target.wsUrl, rooms)
  const result = await pingPong(open, {
    warmupMs: PLAN.warmupS * 1000,
    durationMs: PLAN.durationS * 1000,
    sdpBytes: PLAN.sdpBytes,
  })
  // RSS as the load left it (no GC): what the server held while relaying.
  const { rss } = await target.memory(false)
  await closeRooms(open)
  return { ...result, rssMb: mb(rss) } satisfies RelayFigures
}

interface IdleFigures {
  sockets: number
  before: MemorySample
  after: MemorySample
  kbPerSocket: number
  heapKbPerSocket: number
}

async function idleRun(
  target: ChildTarget,
  rooms: Awaited<ReturnType<typeof startCalls>>,
): Promise<IdleFigures> {
  const before = await target.memory(true)
  const open = await openRooms(target.wsUrl, rooms)
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const after = await target.memory(true)
  const sockets = open.length * 2
  await closeRooms(open)
  return {
    sockets,
    before,
    after,
    kbPerSocket: round((after.rss - before.rss) / 1024 / sockets, 1),
    heapKbPerSocket: round((after.heapUsed - before.heapUsed) / 1024 / sockets, 1),
  }
}

/** The hash as stored, `scrypt$<log2 N>$<r>$<p>$…`, so the cost reported is the one actually used. */
function storedScryptCost(dbPath: string): { N: number; r: number; p: number } {
  const require = createRequire(new URL('../signaling-server/package.json', import.meta.url))
  // better-sqlite3 is the server package's dependency, not the root's: load it from there.
  const Database = require('better-sqlite3') as new (
    path: string,
    options: { readonly: boolean },
  ) => { prepare(sql: string): { get(): unknown }; close(): void }
  const db = new Database(dbPath, { readonly: true })
  try {
    const row = db.prepare('SELECT password_hash FROM users LIMIT 1').get() as {
      password_hash: string
    }
    const [, log2n, r, p] = row.password_hash.split('$')
    return { N: 2 ** Number(log2n), r: Number(r), p: Number(p) }
  } finally {
    db.close()
  }
}

async function loginRun(): Promise<{
  scrypt: { N: number; r: number; p: number }
  msPerLogin: { p50: number; mean: number }
  loginsPerSecondConcurrent4: number
}> {
  const spec = veracallSpec(undefined)
  return withTarget(spec, async (target) => {
    const [user] = (await registerUsers(target.url, 1, 'login')) as [AuthResponse]
    const login = async (): Promise<number> => {
      const started = performance.now()
      const { status } = await api(target.url, 'POST', '/api/v1/auth/login', {
        username: user.user.username,
        password: BENCH_PASSWORD,
      })
      if (status !== 200) throw new Error(`login: HTTP ${status}`)
      return performance.now() - started
    }
    await login()
    const times: number[] = []
    for (let i = 0; i < PLAN.logins; i++) times.push(await login())
    const started = performance.now()
    await pool(PLAN.logins, 4, login)
    const concurrent = PLAN.logins / ((performance.now() - started) / 1000)
    const sorted = Float64Array.from(times).sort()
    return {
      scrypt: storedScryptCost(spec.env.DB_PATH as string),
      msPerLogin: {
        p50: round(percentile(sorted, 50), 1),
        mean: round(times.reduce((a, b) => a + b, 0) / times.length, 1),
      },
      loginsPerSecondConcurrent4: round(concurrent, 1),
    }
  })
}

const httpRow = (r: HttpResult) => ({
  rps: Math.round(r.requestsPerSecond),
  p50Ms: r.latencyMs.p50,
  p99Ms: r.latencyMs.p99,
  non2xx: r.non2xx,
  shed503: r.shed503,
  errors: r.errors,
})

async function main(): Promise<void> {
  const started = Date.now()
  const setupSpec = veracallSpec(SETUP_SCRYPT_LOG2_N)
  log(
    `veracall signaling bench: ${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  log(`plan: ${JSON.stringify(PLAN)}`)
  log(
    `server env: ${JSON.stringify({ ...setupSpec.env, JWT_SECRET: '<random 48 bytes>', DB_PATH: `${workDir}/signaling-N.db` })}`,
  )
  log(`server ws limits overridden: ${JSON.stringify(LOAD_WS_LIMITS)} (others default)`)

  // (a) relay ping-pong + (c) REST on the project's server.
  log(`(a) veracall: ${PLAN.rooms} rooms = ${PLAN.rooms * 2} sockets …`)
  const project = await withTarget(
    setupSpec,
    async (target) => {
      log(`    effective ws config: ${JSON.stringify(target.config?.ws)}`)
      const users = await registerUsers(target.url, PLAN.rooms * 2, 'relay')
      const rooms = await startCalls(target.url, users)
      const relay = await relayRun(target, rooms)
      log(`(c) veracall REST …`)
      const me = await usersMe(
        target.url,
        (users[0] as AuthResponse).token,
        PLAN.httpWarmupS,
        PLAN.httpDurationS,
      )
      const pairUsers = await registerUsers(target.url, PLAN.httpConnections * 2, 'rest')
      const pairs = Array.from(
        { length: PLAN.httpConnections },
        (_, i) => [pairUsers[2 * i], pairUsers[2 * i + 1]] as [AuthResponse, AuthResponse],
      )
      const startEnd = await startEndCycle(
        target.url,
        pairs,
        PLAN.httpWarmupS,
        PLAN.httpDurationS,
      )()
      return { relay, me, startEnd }
    },
    true,
  )

  log(`(a) bare ws relay …`)
  const bareRelay = await withTarget({ kind: 'bare-ws' }, (target) =>
    relayRun(target, bareRooms(PLAN.rooms)),
  )

  log(`(c) bare Fastify hello …`)
  const hello = await withTarget({ kind: 'bare-fastify' }, (target) =>
    helloRoute(target.url, PLAN.httpWarmupS, PLAN.httpDurationS),
  )

  const idleRooms = Math.ceil(PLAN.idleSockets / 2)
  log(`(b) veracall: ${idleRooms * 2} idle authenticated sockets …`)
  const idle = await withTarget(veracallSpec(SETUP_SCRYPT_LOG2_N), async (target) => {
    const users = await registerUsers(target.url, idleRooms * 2, 'idle')
    const rooms = await startCalls(target.url, users)
    return idleRun(target, rooms)
  })
  log(`(b) bare ws relay: ${idleRooms * 2} idle sockets …`)
  const bareIdle = await withTarget({ kind: 'bare-ws' }, (target) =>
    idleRun(target, bareRooms(idleRooms)),
  )

  log(`(d) login at the default scrypt cost …`)
  const login = await loginRun()

  const ratios = {
    throughput: round(project.relay.messagesPerSecond / bareRelay.messagesPerSecond),
    p50: round(project.relay.rttMs.p50 / bareRelay.rttMs.p50),
    p99: round(project.relay.rttMs.p99 / bareRelay.rttMs.p99),
    rss: round(project.relay.rssMb / bareRelay.rssMb),
    usersMe: round(project.me.requestsPerSecond / hello.requestsPerSecond),
    callsStartEnd: round(project.startEnd.requestsPerSecond / hello.requestsPerSecond),
  }
  const goals = {
    throughputAtLeast0_9: ratios.throughput >= 0.9,
    p99AtMost1_3: ratios.p99 <= 1.3,
    // RSS barely moves when the heap reuses pages freed after setup: judge on the larger figure.
    idleKbPerSocketAtMost30: Math.max(idle.kbPerSocket, idle.heapKbPerSocket) <= 30,
    usersMeAtLeast0_5: ratios.usersMe >= 0.5,
    callsStartAtLeast0_5: ratios.callsStartEnd >= 0.5,
  }
  const relayRow = (name: string, r: RelayFigures): string =>
    `${name.padEnd(22)}${String(Math.round(r.messagesPerSecond)).padStart(10)}${r.rttMs.p50.toFixed(2).padStart(10)}${r.rttMs.p99.toFixed(2).padStart(10)}${String(r.rssMb).padStart(10)}${String(r.failures).padStart(7)}`
  const restRow = (name: string, r: HttpResult): string =>
    `${name.padEnd(34)}${String(Math.round(r.requestsPerSecond)).padStart(8)}${String(r.latencyMs.p50).padStart(8)}${String(r.latencyMs.p99).padStart(8)}${String(r.non2xx + r.errors).padStart(8)}${String(r.shed503).padStart(8)}`
  const lines = [
    '',
    `(a) relay: ${PLAN.rooms} rooms, ${PLAN.sdpBytes} B sdp ping-pong, ${PLAN.durationS} s measured`,
    `${'server'.padEnd(22)}${'msg/s'.padStart(10)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'RSS MB'.padStart(10)}${'fail'.padStart(7)}`,
    relayRow('veracall', project.relay),
    relayRow('bare ws relay', bareRelay),
    `ratio veracall/bare: throughput ${ratios.throughput}× (goal ≥0.9), p50 ${ratios.p50}×, p99 ${ratios.p99}× (goal ≤1.3), RSS ${ratios.rss}×`,
    '',
    `(b) idle sockets: veracall ${idle.kbPerSocket} KB RSS/socket (${idle.heapKbPerSocket} KB heap) over ${idle.sockets} sockets (goal ≤30); bare ws ${bareIdle.kbPerSocket} KB RSS/socket (${bareIdle.heapKbPerSocket} KB heap)`,
    '',
    `(c) REST: ${PLAN.httpConnections} connections, ${PLAN.httpDurationS} s measured`,
    `${'route'.padEnd(34)}${'req/s'.padStart(8)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'non2xx'.padStart(8)}${'of 503'.padStart(8)}`,
    restRow('bare Fastify GET /hello', hello),
    restRow('GET /api/v1/users/me', project.me),
    restRow('POST calls/start + calls/end mix', project.startEnd),
    `ratio to hello: users/me ${ratios.usersMe}×, calls/start+end ${ratios.callsStartEnd}× (goal ≥0.5; calls/start alone ≈ half the mix's req/s)`,
    '',
    `(d) login: scrypt N=${login.scrypt.N} r=${login.scrypt.r} p=${login.scrypt.p}: ${login.msPerLogin.p50} ms p50 (${login.msPerLogin.mean} mean) sequential, ${login.loginsPerSecondConcurrent4} logins/s at concurrency 4`,
    `goals: ${Object.entries(goals)
      .map(([goal, met]) => `${goal}=${met ? 'met' : 'MISSED'}`)
      .join(' ')}`,
    `setup requests retried after a 503 (load shedding): ${shed.retries}`,
    `took ${Math.round((Date.now() - started) / 1000)} s`,
  ]
  console.log(lines.join('\n'))
  console.log(
    JSON.stringify({
      bench: 'signaling',
      plan: PLAN,
      relay: {
        veracall: { ...project.relay, rttMs: roundAll(project.relay.rttMs) },
        bare: { ...bareRelay, rttMs: roundAll(bareRelay.rttMs) },
      },
      idle: {
        veracall: {
          sockets: idle.sockets,
          kbPerSocket: idle.kbPerSocket,
          heapKbPerSocket: idle.heapKbPerSocket,
        },
        bare: {
          sockets: bareIdle.sockets,
          kbPerSocket: bareIdle.kbPerSocket,
          heapKbPerSocket: bareIdle.heapKbPerSocket,
        },
      },
      rest: {
        hello: httpRow(hello),
        usersMe: httpRow(project.me),
        callsStartEnd: httpRow(project.startEnd),
      },
      login,
      ratios,
      goals,
      setupShedRetries: shed.retries,
    }),
  )
}

function roundAll<T extends Record<string, number>>(values: T): T {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, round(v, 3)])) as T
}

try {
  await main()
} finally {
  rmSync(workDir, { recursive: true, force: true })
}
