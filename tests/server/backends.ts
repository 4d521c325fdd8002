import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import pg from 'pg'

/**
 * Real Postgres and Redis for the cluster tests: Debian's `postgresql` and `redis-server`
 * binaries, each on a free loopback port in a temp dir, stopped (and the dir removed) by the
 * returned `stop`, which the caller puts in an afterAll so it runs on failure too.
 */

const PG_ROOT = '/usr/lib/postgresql'

/** The newest installed Postgres bin dir, or undefined. */
function postgresBin(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined
  const versions = readdirSync(PG_ROOT)
    .filter((v) => existsSync(join(PG_ROOT, v, 'bin/postgres')))
    .sort((a, b) => Number(b) - Number(a))
  return versions[0] && join(PG_ROOT, versions[0], 'bin')
}

function redisBin(): string | undefined {
  return ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p))
}

export const PG_BIN = postgresBin()
export const REDIS_BIN = redisBin()

/** Why the cluster tests can't run here, or undefined when they can. */
export const clusterUnavailable: string | undefined =
  !PG_BIN && !REDIS_BIN
    ? 'postgresql and redis-server are not installed (apt-get install postgresql redis-server)'
    : !PG_BIN
      ? 'postgresql is not installed (apt-get install postgresql)'
      : !REDIS_BIN
        ? 'redis-server is not installed (apt-get install redis-server)'
        : undefined

/** Says plainly that a suite skipped and why, once per file. */
export function reportSkip(suite: string, reason: string | undefined): void {
  if (reason) process.stdout.write(`SKIPPED ${suite}: ${reason}\n`)
}

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const address = server.address()
  await new Promise((done) => server.close(done))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

const LAUNCH_ATTEMPTS = 3

/** Polls `ready` until it answers true; an error it throws that isn't a connection failure ends the wait. */
async function until(what: string, ms: number, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    if (
      await ready().catch((error: unknown) => {
        if (error instanceof Error && / exited /.test(error.message)) throw error
        return false
      })
    )
      return
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Postgres refuses to run as root: as root, its binaries run as the `postgres` user. */
const asRoot = process.getuid?.() === 0

function command(bin: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args]
}

function ownDir(dir: string): void {
  if (!asRoot) return
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
  chownSync(dir, uid, gid)
}

/**
 * Services still running when this process exits are killed then, whatever happened: an afterAll
 * does not run for a suite whose tests were all filtered out (`vitest -t`), and a crash skips it.
 */
const running = new Set<ChildProcess>()
const dirs = new Set<string>()
process.once('exit', () => {
  for (const child of running) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

// Under vitest, also at the end of the test file: a forked worker may be ended by a signal,
// which skips 'exit' handlers.
if (process.env.VITEST) {
  const { afterAll } = await import('vitest')
  afterAll(async () => {
    await Promise.all([...running].map((child) => stopGroup(child, 'SIGINT')))
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
    dirs.clear()
  })
}

/** A temp dir for a service, removed by `removeDir` (or at exit). */
function serviceDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  dirs.add(dir)
  return dir
}

function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  dirs.delete(dir)
}

function spawnService(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { detached: true, stdio: 'ignore' })
  running.add(child)
  child.once('exit', () => running.delete(child))
  return child
}

/** Stops a child started in its own process group, group and all, and waits for it. */
async function stopGroup(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
  const exited = new Promise((done) => child.once('exit', done))
  try {
    process.kill(-child.pid, signal)
  } catch {
    return
  }
  const timer = setTimeout(() => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }, 5000)
  await exited
  clearTimeout(timer)
}

export interface RunningService {
  url: string
  port: number
  /** The service's first process (its others descend from it), for CPU accounting. */
  pid(): number
  stop(): Promise<void>
}

export async function startPostgres(): Promise<RunningService> {
  if (!PG_BIN) throw new Error('postgresql is not installed')
  const dir = serviceDir('veracall-pg-')
  ownDir(dir)
  const data = join(dir, 'data')
  const [initdb, initArgs] = command(join(PG_BIN, 'initdb'), [
    '-D',
    data,
    '-U',
    'veracall',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ])
  execFileSync(initdb, initArgs, { stdio: 'pipe' })
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchPostgres(PG_BIN, dir, data)
    } catch (error) {
      // Another process may have taken the port between freePort() and the bind.
      if (attempt >= LAUNCH_ATTEMPTS) {
        removeDir(dir)
        throw error
      }
    }
  }
}

/** Starts `postgres` on a free port and resolves once that very server (its data dir) answers. */
async function launchPostgres(bin: string, dir: string, data: string): Promise<RunningService> {
  const port = await freePort()
  const [postgres, args] = command(join(bin, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    // A throwaway test database: durability is not what these tests measure.
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
  ])
  const child = spawnService(postgres, args)
  const url = `postgres://veracall@127.0.0.1:${port}/postgres`
  const stop = async (): Promise<void> => {
    await stopGroup(child, 'SIGINT') // Postgres's "fast shutdown"
    removeDir(dir)
  }
  try {
    await until('postgres', 30_000, async () => {
      if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode})`)
      const client = new pg.Client({ connectionString: url })
      try {
        await client.connect()
        // Ours, not another test file's server that got the same port.
        const shown = await client.query<{ data_directory: string }>('SHOW data_directory')
        return shown.rows[0]?.data_directory === data
      } finally {
        await client.end().catch(() => undefined)
      }
    })
  } catch (error) {
    await stopGroup(child, 'SIGINT')
    throw error
  }
  return { url, port, pid: () => child.pid ?? 0, stop }
}

export interface RunningRedis extends RunningService {
  /** Stops Redis (its data is lost: it keeps none), to start it again with `up`. */
  down(): Promise<void>
  /** Starts it again on the same port. */
  up(): Promise<void>
  restart(): Promise<void>
}

export async function startRedis(): Promise<RunningRedis> {
  if (!REDIS_BIN) throw new Error('redis-server is not installed')
  const bin = REDIS_BIN
  const dir = serviceDir('veracall-redis-')
  const launch = async (port: number): Promise<ChildProcess> => {
    const child = spawnService(bin, [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ])
    try {
      await until('redis', 15_000, async () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode})`)
        const client = new Redis(`redis://127.0.0.1:${port}`, {
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        })
        client.on('error', () => undefined)
        try {
          await client.connect()
          // Ours, not another test file's server that got the same port.
          const [, serving] = (await client.config('GET', 'dir')) as [string, string]
          return serving === dir
        } finally {
          client.disconnect()
        }
      })
    } catch (error) {
      await stopGroup(child, 'SIGTERM')
      throw error
    }
    return child
  }
  let port = 0
  let child: ChildProcess | undefined
  for (let attempt = 1; !child; attempt++) {
    port = await freePort()
    try {
      child = await launch(port)
    } catch (error) {
      // Another process may have taken the port between freePort() and the bind.
      if (attempt >= LAUNCH_ATTEMPTS) {
        removeDir(dir)
        throw error
      }
    }
  }
  let running: ChildProcess = child
  const down = (): Promise<void> => stopGroup(running, 'SIGTERM')
  const up = async (): Promise<void> => {
    running = await launch(port)
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => running.pid ?? 0,
    down,
    up,
    async restart() {
      await down()
      await up()
    },
    async stop() {
      await down()
      removeDir(dir)
    },
  }
}
