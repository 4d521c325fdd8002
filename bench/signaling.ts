/**
 * `npm run bench:signaling`: a bounded loopback load against the project's signaling server and,
 * in the same run, against bare baselines (a `ws` relay, a Fastify hello route). Each server runs
 * in its own child process (its RSS and CPU alone, its own event loop); this process only generates
 * load. Targets are measured in short alternating slices (A B, B A, …) so that a change in the
 * machine's load hits them alike, and every throughput is printed with the server CPU it cost per
 * operation (the child's process.cpuUsage), as a median over the slices with its range.
 * Prints a table and a final JSON line. Not a test: the figures depend on the machine.
 *
 * Knobs (environment): BENCH_ROUNDS (5 slices per target), BENCH_SLICE_S (2), BENCH_ROOMS (200),
 * BENCH_IDLE_SOCKETS (2000), BENCH_ONLY=relay|rest|idle|login (one part), BENCH_CPU_PROF=<dir>
 * (profile the project's server with --cpu-prof). The whole run is capped at BENCH_MAX_S (900).
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AuthResponse } from 'veracall-signaling/protocol'
import { startChildTarget, type ChildTarget } from './lib/child-target.js'
import { helloRoute, run, startEndCycle, usersMe } from './lib/http-load.js'
import {
  api,
  bareRooms,
  BENCH_PASSWORD,
  pool,
  registerUsers,
  shed,
  startCalls,
} from './lib/rest-setup.js'
import {
  alternate,
  cpuRatio,
  rateRatio,
  spread,
  type SliceTarget,
  type Spread,
  type TargetFigures,
} from './lib/slices.js'
import type { MemorySample, TargetSpec } from './lib/target-protocol.js'
import { closeRooms, openRooms, percentile, pingPong, type OpenRoom } from './lib/ws-load.js'

const num = (name: string, fallback: number): number => {
  const value = Number(process.env[name])
  return Number.isFinite(value) && value > 0 ? value : fallback
}

const PARTS = ['relay', 'rest', 'idle', 'login'] as const
type Part = (typeof PARTS)[number]
const only = process.env.BENCH_ONLY as Part | undefined
if (only !== undefined && !PARTS.includes(only))
  throw new Error(`BENCH_ONLY must be one of ${PARTS.join(', ')}`)
const runs = (part: Part): boolean => only === undefined || only === part

const PLAN = {
  rounds: num('BENCH_ROUNDS', 5),
  sliceS: num('BENCH_SLICE_S', 2),
  rooms: num('BENCH_ROOMS', 200),
  sdpBytes: 1024,
  idleSockets: num('BENCH_IDLE_SOCKETS', 2000),
  httpConnections: 32,
  logins: 20,
  maxS: num('BENCH_MAX_S', 900),
}
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF

/** Setup registers thousands of users: the cheapest scrypt cost the server accepts. Login is measured apart at the default cost. */
const SETUP_SCRYPT_LOG2_N = 10
/**
 * Limits raised for the load, not hidden: every socket here sends one message per round trip
 * (well over the default 50/s with a fast server), and all users share one IP for REST.
 */
const LOAD_RATE_LIMITS = {
  WS_MESSAGES_PER_SECOND: '100000',
  WS_MESSAGE_BURST: '100000',
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
      // The default level, as `npm run server` runs: what an operator gets out of the box.
      LOG_LEVEL: 'info',
      // Load shedding as by default: a saturated server that keeps up sheds nothing (503s would
      // show as failures in the table).
      ...LOAD_RATE_LIMITS,
      ...(scryptLog2N !== undefined && { SCRYPT_LOG2_N: String(scryptLog2N) }),
    },
  }
}

const log = (line: string): void => void process.stderr.write(`${line}\n`)
const round = (value: number, digits = 2): number => Number(value.toFixed(digits))

/** Every target started, so a failure or the time cap can stop them all. */
const running = new Set<ChildTarget>()

async function withTargets<T>(
  specs: TargetSpec[],
  body: (targets: ChildTarget[]) => Promise<T>,
  profileFirst = false,
): Promise<T> {
  const targets: ChildTarget[] = []
  try {
    for (const [i, spec] of specs.entries()) {
      const target = await startChildTarget(
        spec,
        profileFirst && i === 0 ? CPU_PROF_DIR : undefined,
      )
      running.add(target)
      targets.push(target)
    }
    return await body(targets)
  } finally {
    for (const target of targets) {
      await target.stop()
      running.delete(target)
    }
  }
}

/** A relay slice: every room ping-pongs for `seconds`; ops are the relayed messages received. */
function relaySlice(name: string, server: ChildTarget, open: OpenRoom[]): SliceTarget {
  return {
    name,
    server,
    run: async (seconds) => {
      const result = await pingPong(open, {
        warmupMs: 0,
        durationMs: seconds * 1000,
        sdpBytes: PLAN.sdpBytes,
      })
      rtts.set(name, [...(rtts.get(name) ?? []), result.rttMs.p50])
      return { ops: result.messages, seconds: result.seconds, failures: result.failures }
    },
  }
}
/** Median per-slice round-trip p50 by relay target. */
const rtts = new Map<string, number[]>()

/** An HTTP slice: autocannon for `seconds`; ops are the 2xx answers (a 503 would flatter the rate). */
function httpSlice(
  name: string,
  server: ChildTarget,
  options: () => Parameters<typeof run>[0],
  prepare?: () => Promise<void>,
): SliceTarget {
  return {
    name,
    server,
    ...(prepare && { prepare }),
    run: async (seconds) => {
      const result = await run({ ...options(), duration: seconds })
      return {
        ops: result.requestsPerSecond * seconds,
        seconds,
        failures: result.non2xx + result.errors,
      }
    },
  }
}

/** One untimed slice per target (JIT, connection pools, buffers), then the measured rounds. */
async function measure(targets: SliceTarget[]): Promise<TargetFigures[]> {
  await alternate(targets, { rounds: 1, sliceS: 1 })
  return alternate(targets, { rounds: PLAN.rounds, sliceS: PLAN.sliceS })
}

async function relayPart(): Promise<{ veracall: TargetFigures; bare: TargetFigures }> {
  const setupSpec = veracallSpec(SETUP_SCRYPT_LOG2_N)
  return withTargets(
    [setupSpec, { kind: 'bare-ws' }],
    async ([project, bare]) => {
      if (!project || !bare) throw new Error('targets did not start')
      log(`    effective ws config: ${JSON.stringify(project.config?.ws)}`)
      const users = await registerUsers(project.url, PLAN.rooms * 2, 'relay')
      const openProject = await openRooms(project.wsUrl, await startCalls(project.url, users))
      const openBare = await openRooms(bare.wsUrl, bareRooms(PLAN.rooms))
      try {
        const [veracall, bareFigures] = await measure([
          relaySlice('veracall', project, openProject),
          relaySlice('bare ws relay', bare, openBare),
        ])
        return { veracall: veracall as TargetFigures, bare: bareFigures as TargetFigures }
      } finally {
        await closeRooms(openProject)
        await closeRooms(openBare)
      }
    },
    true,
  )
}

async function restPart(): Promise<Record<'hello' | 'usersMe' | 'startEnd', TargetFigures>> {
  return withTargets(
    [veracallSpec(SETUP_SCRYPT_LOG2_N), { kind: 'bare-fastify' }],
    async ([project, bare]) => {
      if (!project || !bare) throw new Error('targets did not start')
      const [me] = (await registerUsers(project.url, 1, 'me')) as [AuthResponse]
      const pairUsers = await registerUsers(project.url, PLAN.httpConnections * 2, 'rest')
      const pairs = Array.from(
        { length: PLAN.httpConnections },
        (_, i) => [pairUsers[2 * i], pairUsers[2 * i + 1]] as [AuthResponse, AuthResponse],
      )
      const cycle = startEndCycle(project.url, pairs)
      const connections = PLAN.httpConnections
      const [hello, usersMeFigures, startEnd] = await measure([
        httpSlice('bare Fastify GET /hello', bare, () => ({
          ...helloRoute(bare.url),
          connections,
        })),
        httpSlice('GET /api/v1/users/me', project, () => ({
          ...usersMe(project.url, me.token),
          connections,
        })),
        httpSlice('POST calls/start + calls/end mix', project, cycle.options, cycle.prepare),
      ])
      return {
        hello: hello as TargetFigures,
        usersMe: usersMeFigures as TargetFigures,
        startEnd: startEnd as TargetFigures,
      }
    },
    true,
  )
}

interface IdleFigures {
  sockets: number
  kbPerSocket: number
  heapKbPerSocket: number
}

async function idleRun(target: ChildTarget, rooms: Awaited<ReturnType<typeof startCalls>>) {
  const before = await target.memory(true)
  const open = await openRooms(target.wsUrl, rooms)
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const after = await target.memory(true)
  const sockets = open.length * 2
  await closeRooms(open)
  const perSocket = (key: keyof MemorySample): number =>
    round((after[key] - before[key]) / 1024 / sockets, 1)
  return { sockets, kbPerSocket: perSocket('rss'), heapKbPerSocket: perSocket('heapUsed') }
}

async function idlePart(): Promise<{ veracall: IdleFigures; bare: IdleFigures }> {
  const idleRooms = Math.ceil(PLAN.idleSockets / 2)
  const veracall = await withTargets([veracallSpec(SETUP_SCRYPT_LOG2_N)], async ([target]) => {
    if (!target) throw new Error('target did not start')
    const users = await registerUsers(target.url, idleRooms * 2, 'idle')
    return idleRun(target, await startCalls(target.url, users))
  })
  const bare = await withTargets([{ kind: 'bare-ws' }], async ([target]) => {
    if (!target) throw new Error('target did not start')
    return idleRun(target, bareRooms(idleRooms))
  })
  return { veracall, bare }
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

async function loginPart(): Promise<{
  scrypt: { N: number; r: number; p: number }
  msPerLogin: { p50: number; mean: number }
  loginsPerSecondConcurrent4: number
}> {
  const spec = veracallSpec(undefined)
  return withTargets([spec], async ([target]) => {
    if (!target) throw new Error('target did not start')
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

const fmt = (s: Spread, digits = 0): string =>
  `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}–${s.max.toFixed(digits)}]`
const fmtRatio = (s: Spread): string => `${fmt(s, 2)}×`

function table(rows: TargetFigures[], unit: string): string[] {
  return [
    `${'target'.padEnd(34)}${`${unit} median [range]`.padStart(26)}${'server CPU µs/op'.padStart(24)}${'cores'.padStart(8)}${'fail'.padStart(6)}`,
    ...rows.map(
      (r) =>
        `${r.name.padEnd(34)}${fmt(r.rate).padStart(26)}${fmt(r.cpuUsPerOp, 1).padStart(24)}${r.cpuCores.median.toFixed(2).padStart(8)}${String(r.failures).padStart(6)}`,
    ),
  ]
}

const summary = (f: TargetFigures) => ({
  rate: roundSpread(f.rate),
  cpuUsPerOp: roundSpread(f.cpuUsPerOp, 1),
  cpuCores: roundSpread(f.cpuCores, 2),
  failures: f.failures,
})

async function main(): Promise<void> {
  const started = Date.now()
  log(
    `veracall signaling bench: ${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  log(`plan: ${JSON.stringify({ ...PLAN, only: only ?? 'all' })}`)
  const shown = veracallSpec(SETUP_SCRYPT_LOG2_N)
  log(
    `server env: ${JSON.stringify({ ...shown.env, JWT_SECRET: '<random 48 bytes>', DB_PATH: `${workDir}/signaling-N.db` })}`,
  )

  const lines: string[] = ['']
  const json: Record<string, unknown> = { bench: 'signaling', plan: PLAN }
  const goals: Record<string, boolean> = {}
  const sliceNote = `${PLAN.rounds} alternating ${PLAN.sliceS} s slices per target`

  if (runs('relay')) {
    log(`(a) relay: veracall and a bare ws relay, ${PLAN.rooms} rooms each …`)
    const relay = await relayPart()
    const throughput = rateRatio(relay.veracall, relay.bare)
    const cpu = cpuRatio(relay.veracall, relay.bare)
    const p50 = (name: string): Spread => spread(rtts.get(name) ?? [])
    goals.relayThroughputAtLeast0_9 = throughput.median >= 0.9
    lines.push(
      `(a) relay: ${PLAN.rooms} rooms, ${PLAN.sdpBytes} B sdp ping-pong, ${sliceNote}`,
      ...table([relay.veracall, relay.bare], 'msg/s'),
      `round trip p50 ms: veracall ${fmt(p50('veracall'), 2)}, bare ${fmt(p50('bare ws relay'), 2)}`,
      `ratio veracall/bare: throughput ${fmtRatio(throughput)} (goal ≥0.9), server CPU per message ${fmtRatio(cpu)}`,
      '',
    )
    json.relay = {
      veracall: summary(relay.veracall),
      bare: summary(relay.bare),
      ratios: { throughput: roundSpread(throughput), cpuPerMessage: roundSpread(cpu) },
    }
  }

  if (runs('rest')) {
    log(`(c) REST: bare Fastify hello, users/me, calls start+end …`)
    const rest = await restPart()
    const usersMeRatio = rateRatio(rest.usersMe, rest.hello)
    const startEndRatio = rateRatio(rest.startEnd, rest.hello)
    goals.usersMeAtLeast0_5 = usersMeRatio.median >= 0.5
    goals.callsStartEndAtLeast0_5 = startEndRatio.median >= 0.5
    lines.push(
      `(c) REST: ${PLAN.httpConnections} connections, ${sliceNote}`,
      ...table([rest.hello, rest.usersMe, rest.startEnd], 'req/s'),
      `ratio to hello: users/me ${fmtRatio(usersMeRatio)} (goal ≥0.5), calls/start+end ${fmtRatio(startEndRatio)}; server CPU per request vs hello: users/me ${fmtRatio(cpuRatio(rest.usersMe, rest.hello))}, start+end ${fmtRatio(cpuRatio(rest.startEnd, rest.hello))}`,
      '',
    )
    json.rest = {
      hello: summary(rest.hello),
      usersMe: summary(rest.usersMe),
      callsStartEnd: summary(rest.startEnd),
      ratios: {
        usersMe: roundSpread(usersMeRatio),
        callsStartEnd: roundSpread(startEndRatio),
        usersMeCpuPerRequest: roundSpread(cpuRatio(rest.usersMe, rest.hello)),
      },
    }
  }

  if (runs('idle')) {
    log(`(b) idle authenticated sockets: veracall, then a bare ws relay …`)
    const idle = await idlePart()
    // RSS barely moves when the heap reuses pages freed after setup: judge on the larger figure.
    goals.idleKbPerSocketAtMost30 =
      Math.max(idle.veracall.kbPerSocket, idle.veracall.heapKbPerSocket) <= 30
    lines.push(
      `(b) idle sockets: veracall ${idle.veracall.kbPerSocket} KB RSS/socket (${idle.veracall.heapKbPerSocket} KB heap) over ${idle.veracall.sockets} sockets (goal ≤30); bare ws ${idle.bare.kbPerSocket} KB RSS/socket (${idle.bare.heapKbPerSocket} KB heap)`,
      '',
    )
    json.idle = idle
  }

  if (runs('login')) {
    log(`(d) login at the default scrypt cost …`)
    const login = await loginPart()
    lines.push(
      `(d) login: scrypt N=${login.scrypt.N} r=${login.scrypt.r} p=${login.scrypt.p}: ${login.msPerLogin.p50} ms p50 (${login.msPerLogin.mean} mean) sequential, ${login.loginsPerSecondConcurrent4} logins/s at concurrency 4`,
      '',
    )
    json.login = login
  }

  lines.push(
    `goals: ${Object.entries(goals)
      .map(([goal, met]) => `${goal}=${met ? 'met' : 'MISSED'}`)
      .join(' ')}`,
    `setup requests retried after a 503 (load shedding): ${shed.retries}`,
    `took ${Math.round((Date.now() - started) / 1000)} s, load average now ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  console.log(lines.join('\n'))
  console.log(JSON.stringify({ ...json, goals, setupShedRetries: shed.retries }))
}

function roundSpread(s: Spread, digits = 2): Spread {
  return { median: round(s.median, digits), min: round(s.min, digits), max: round(s.max, digits) }
}

// Bounded in time whatever happens: stop every child and leave.
const deadline = setTimeout(() => {
  log(`bench: over BENCH_MAX_S=${PLAN.maxS} s, stopping`)
  void Promise.all([...running].map((t) => t.stop())).finally(() => {
    rmSync(workDir, { recursive: true, force: true })
    process.exit(1)
  })
}, PLAN.maxS * 1000)
deadline.unref()

try {
  await main()
} finally {
  clearTimeout(deadline)
  rmSync(workDir, { recursive: true, force: true })
}
