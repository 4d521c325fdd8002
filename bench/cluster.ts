/**
 * `npm run bench:cluster`: the relay load of bench:signaling (rooms ping-ponging 1 KB offers and
 * answers, one message in flight per room) against
 *   1. one node, SQLite + in-memory fan-out (the default),
 *   2. one node on Postgres + Redis,
 *   3. two nodes on Postgres + Redis, every room split: the caller's socket on node 1, the
 *      callee's on node 2, so every relayed message crosses Redis.
 * Prints msgs/s, round-trip p99, CPU per 100k relayed messages for the server node(s), Redis and
 * Postgres, and Redis's share of that CPU. Postgres and Redis are Debian's binaries started on
 * loopback for the run (as for the cluster tests). Not a test: the figures depend on the machine.
 *
 * Knobs: BENCH_ROOMS (100), BENCH_DURATION_S (8).
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  clusterUnavailable,
  startPostgres,
  startRedis,
  type RunningService,
} from '../tests/server/backends.js'
import { startChildTarget, type ChildTarget } from './lib/child-target.js'
import { procCpu } from './lib/proc-cpu.js'
import { registerUsers, startCalls } from './lib/rest-setup.js'
import { closeRooms, openRooms, pingPong } from './lib/ws-load.js'

const num = (name: string, fallback: number): number => {
  const value = Number(process.env[name])
  return Number.isFinite(value) && value > 0 ? value : fallback
}
const PLAN = {
  rooms: num('BENCH_ROOMS', 100),
  warmupS: 2,
  durationS: num('BENCH_DURATION_S', 8),
  sdpBytes: 1024,
}
const SECRET = randomBytes(48).toString('base64url')

/**
 * CPU time (ms) used so far by the given processes and all their descendants, threads included
 * (Postgres forks a backend per connection, each in a process group of its own).
 */
function treeCpuMs(roots: readonly number[], seen: Map<number, number>): number {
  const procs = procCpu()
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
      if (roots.includes(p)) return true
      p = procs.get(p)?.ppid ?? 0
    }
    return false
  }
  // A process that exits (a Postgres backend whose pool connection idled out) keeps counting with
  // what it had used when last seen, so the total never goes backwards.
  for (const [pid, { ms }] of procs) if (inTree(pid)) seen.set(pid, ms)
  let total = 0
  for (const ms of seen.values()) total += ms
  return total
}

const workDir = mkdtempSync(join(tmpdir(), 'veracall-bench-cluster-'))

async function node(env: Record<string, string>): Promise<ChildTarget> {
  return startChildTarget({
    kind: 'veracall',
    env: {
      NODE_ENV: 'production',
      JWT_SECRET: SECRET,
      DB_PATH: join(workDir, `${randomBytes(4).toString('hex')}.db`),
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      SHED_LOAD: 'off',
      SCRYPT_LOG2_N: '10',
      RATE_LIMIT_PER_MIN: '1000000',
      RATE_LIMIT_AUTH_PER_MIN: '1000000',
      RATE_LIMIT_CALLS_PER_MIN: '1000000',
      // As in bench:signaling: limits the load would trip are raised, not hidden.
      WS_MESSAGES_PER_SECOND: '100000',
      WS_MESSAGE_BURST: '100000',
      ...env,
    },
  })
}

interface Row {
  scenario: string
  msgsPerS: number
  p99Ms: number
  failures: number
  /** CPU ms per 100k relayed messages. */
  cpuPer100k: { nodes: number; redis: number; postgres: number }
  redisShare: number
}

async function scenario(
  name: string,
  nodes: ChildTarget[],
  services: { redis?: RunningService; postgres?: RunningService },
): Promise<Row> {
  const [first, second = first] = nodes
  if (!first || !second) throw new Error('no nodes')
  const users = await registerUsers(first.url, PLAN.rooms * 2, `bc${nodes.length}`)
  const rooms = await startCalls(first.url, users)
  const open = await openRooms([first.wsUrl, second.wsUrl], rooms)
  const seen = {
    nodes: new Map<number, number>(),
    redis: new Map<number, number>(),
    postgres: new Map<number, number>(),
  }
  const sample = () => ({
    nodes: treeCpuMs(
      nodes.map((n) => n.pid),
      seen.nodes,
    ),
    redis: treeCpuMs(services.redis ? [services.redis.pid()] : [], seen.redis),
    postgres: treeCpuMs(services.postgres ? [services.postgres.pid()] : [], seen.postgres),
  })
  // CPU is read over the measured window only, as the messages are.
  let before = sample()
  let after = before
  const atStart = setTimeout(() => (before = sample()), PLAN.warmupS * 1000)
  const atEnd = setTimeout(() => (after = sample()), (PLAN.warmupS + PLAN.durationS) * 1000)
  const result = await pingPong(open, {
    warmupMs: PLAN.warmupS * 1000,
    durationMs: PLAN.durationS * 1000,
    sdpBytes: PLAN.sdpBytes,
  })
  clearTimeout(atStart)
  clearTimeout(atEnd)
  await closeRooms(open)
  const per100k = (ms: number): number => (ms / Math.max(1, result.messages)) * 100_000
  const cpu = {
    nodes: per100k(after.nodes - before.nodes),
    redis: per100k(after.redis - before.redis),
    postgres: per100k(after.postgres - before.postgres),
  }
  return {
    scenario: name,
    msgsPerS: Math.round(result.messagesPerSecond),
    p99Ms: Number(result.rttMs.p99.toFixed(1)),
    failures: result.failures,
    cpuPer100k: {
      nodes: Math.round(cpu.nodes),
      redis: Math.round(cpu.redis),
      postgres: Math.round(cpu.postgres),
    },
    redisShare: Number((cpu.redis / Math.max(1, cpu.nodes + cpu.redis + cpu.postgres)).toFixed(3)),
  }
}

async function main(): Promise<void> {
  if (clusterUnavailable) {
    process.stdout.write(`bench:cluster SKIPPED: ${clusterUnavailable}\n`)
    return
  }
  const started: { stop(): Promise<void> }[] = []
  const rows: Row[] = []
  try {
    const single = await node({})
    started.push(single)
    rows.push(await scenario('1 node, SQLite + memory', [single], {}))
    await single.stop()

    const postgres = await startPostgres()
    started.push(postgres)
    const redis = await startRedis()
    started.push(redis)
    const cluster = { DATABASE_URL: postgres.url, REDIS_URL: redis.url }
    const one = await node({ ...cluster, NODE_ID: 'bench-1' })
    started.push(one)
    rows.push(await scenario('1 node, Postgres + Redis', [one], { redis, postgres }))
    await one.stop()

    const nodes = [
      await node({ ...cluster, NODE_ID: 'bench-a' }),
      await node({ ...cluster, NODE_ID: 'bench-b' }),
    ]
    started.push(...nodes)
    rows.push(await scenario('2 nodes, Postgres + Redis, rooms split', nodes, { redis, postgres }))
  } finally {
    for (const s of started.reverse()) await s.stop().catch(() => undefined)
    rmSync(workDir, { recursive: true, force: true })
  }

  const machine = `${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`
  process.stdout.write(
    `\nbench:cluster — ${PLAN.rooms} rooms, ${PLAN.durationS} s after ${PLAN.warmupS} s warm-up, ${PLAN.sdpBytes} B SDP; ${machine}\n\n`,
  )
  const header = [
    'scenario',
    'msg/s',
    'p99 ms',
    'CPU ms/100k: nodes',
    'redis',
    'postgres',
    'redis share',
    'failed rooms',
  ]
  const table = rows.map((r) => [
    r.scenario,
    String(r.msgsPerS),
    String(r.p99Ms),
    String(r.cpuPer100k.nodes),
    String(r.cpuPer100k.redis),
    String(r.cpuPer100k.postgres),
    `${(r.redisShare * 100).toFixed(1)} %`,
    String(r.failures),
  ])
  const widths = header.map((h, i) =>
    Math.max(h.length, ...table.map((row) => row[i]?.length ?? 0)),
  )
  for (const row of [header, ...table])
    process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}\n`)
  process.stdout.write(`\n${JSON.stringify({ plan: PLAN, machine, rows })}\n`)
}

await main()
