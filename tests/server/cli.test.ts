import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { AuthResponse } from 'veracall-signaling/protocol'
import { isStale } from '../../signaling-server/tools/build-if-stale.mjs'

// The real `npx veracall-signaling`: the package's bin running the tsc build (F12 subprocess part, F14).
const ROOT = resolve(import.meta.dirname, '../..')
const PACKAGE = join(ROOT, 'signaling-server')
const BIN = join(PACKAGE, 'bin/veracall-signaling.js')
const GOOD_SECRET = 'cli-test-secret-that-is-long-enough-0123456789'
/** close-with-grace's delay in server.ts with the default 3 s drain: the process must be gone by then. */
const GRACE_MS = 10_000

const work = mkdtempSync(join(tmpdir(), 'veracall-cli-'))
const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue
    // npm's server is a grandchild: stop it too, or it would outlive a failed test.
    for (const { pid } of descendants(child.pid ?? 0)) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // exited meanwhile
      }
    }
    child.kill('SIGKILL')
  }
  rmSync(work, { recursive: true, force: true })
})

beforeAll(() => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  const build = spawnSync(process.execPath, [tsc, '-p', join(PACKAGE, 'tsconfig.build.json')], {
    encoding: 'utf8',
    timeout: 120_000,
  })
  expect(build.status, `build failed:\n${build.stdout}${build.stderr}`).toBe(0)
  expect(existsSync(join(PACKAGE, 'dist/server.js'))).toBe(true)
}, 130_000)

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const address = server.address()
  await new Promise((done) => server.close(done))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

interface Run {
  child: ChildProcess
  output: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

let dbCount = 0
/** The bin with only the variables given (and PATH), its working directory a temp dir. */
function runBin(env: Record<string, string>, bin = BIN): Run {
  const child = spawn(process.execPath, [bin], {
    cwd: work,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      DB_PATH: join(work, `cli-${++dbCount}.db`),
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  )
  return { child, output: () => output, exited }
}

/** Resolves once /health answers 200, or rejects if the process exits first or after `ms`. */
async function healthy(run: Run, port: number, ms = 20_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (run.child.exitCode !== null) throw new Error(`exited early:\n${run.output()}`)
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`)
      if (response.status === 200) return (await response.json()) as Record<string, unknown>
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100))
  }
  throw new Error(`no /health within ${ms} ms:\n${run.output()}`)
}

/** Resolves once the process has printed `text` (an event, not a poll). */
function printed(run: Run, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (run.output().includes(text)) resolve()
    }
    run.child.stdout?.on('data', check)
    run.child.stderr?.on('data', check)
    run.child.once('exit', () => reject(new Error(`exited without printing ${text}`)))
    check()
  })
}

/** Exit status, or a failure if the process outlives the grace delay. */
async function exitWithinGrace(run: Run): Promise<{ code: number | null; signal: string | null }> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`still running after ${GRACE_MS} ms:\n${run.output()}`)),
      GRACE_MS + 2000,
    )
  })
  try {
    return await Promise.race([run.exited, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Every process under `pid`, with its command line (Linux /proc). */
function descendants(pid: number): { pid: number; cmd: string }[] {
  const read = (path: string): string => {
    try {
      return readFileSync(path, 'utf8')
    } catch {
      return '' // gone already
    }
  }
  return read(`/proc/${pid}/task/${pid}/children`)
    .split(' ')
    .filter((s) => s.trim() !== '')
    .map(Number)
    .flatMap((child) => [
      { pid: child, cmd: read(`/proc/${child}/cmdline`).replaceAll('\0', ' ') },
      ...descendants(child),
    ])
}

describe('building before start', () => {
  it('finds dist/ stale when missing or older than a source or a tsconfig, fresh otherwise', () => {
    const pkg = join(work, 'pkg')
    mkdirSync(join(pkg, 'src/ws'), { recursive: true })
    writeFileSync(join(pkg, 'src/ws/a.ts'), '')
    writeFileSync(join(pkg, 'tsconfig.json'), '{}')
    expect(isStale(pkg)).toBe(true)
    mkdirSync(join(pkg, 'dist'))
    writeFileSync(join(pkg, 'dist/server.js'), '')
    const at = (path: string, seconds: number) => utimesSync(join(pkg, path), seconds, seconds)
    at('src/ws/a.ts', 1000)
    at('tsconfig.json', 1000)
    at('dist/server.js', 2000)
    expect(isStale(pkg)).toBe(false)
    at('src/ws/a.ts', 3000)
    expect(isStale(pkg)).toBe(true)
    at('src/ws/a.ts', 1000)
    at('tsconfig.json', 3000)
    expect(isStale(pkg)).toBe(true)
  })
})

// `npm run server` runs the compiled JavaScript under node, not TypeScript through tsx (whose
// parent SIGKILLed the server when a signal went unacknowledged for ~60 ms), and a SIGTERM to npm
// reaches the server: sockets close with 1001 and everything exits 0.
describe.skipIf(process.platform !== 'linux')('npm run server', () => {
  it('runs dist/ with node, and a SIGTERM to npm shuts the server down gracefully', async () => {
    const port = await freePort()
    const npm = spawn('npm', ['run', 'server'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        JWT_SECRET: GOOD_SECRET,
        HOST: '127.0.0.1',
        PORT: String(port),
        DB_PATH: join(work, 'npm-run-server.db'),
        SCRYPT_LOG2_N: '10',
        SHUTDOWN_DRAIN_S: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.push(npm)
    let output = ''
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const run: Run = {
      child: npm,
      output: () => output,
      exited: new Promise((done) => npm.once('exit', (code, signal) => done({ code, signal }))),
    }
    await healthy(run, port, 90_000)

    const tree = descendants(npm.pid ?? 0)
    expect(tree.map((p) => p.cmd).join('\n')).not.toMatch(/tsx/)
    expect(tree.some((p) => /^node (.*\/)?bin\/veracall-signaling\.js/.test(p.cmd))).toBe(true)

    const register = await fetch(`http://127.0.0.1:${port}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'npm_user', password: 'a long password' }),
    })
    const { token } = (await register.json()) as AuthResponse
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws/events?token=${token}`)
    socket.on('error', () => {})
    const closed = new Promise<number>((done) => socket.once('close', (code) => done(code)))
    await new Promise<void>((done, fail) => {
      socket.once('open', () => done())
      socket.once('error', fail)
    })
    npm.kill('SIGTERM')
    expect(await closed).toBe(1001)
    expect(await exitWithinGrace(run)).toEqual({ code: 0, signal: null })
  }, 120_000)
})

describe('veracall-signaling bin', () => {
  it('keeps the build output out of git', () => {
    const ignored = spawnSync('git', ['check-ignore', '-q', 'signaling-server/dist/server.js'], {
      cwd: ROOT,
    })
    expect(ignored.status).toBe(0)
  })

  it.each([
    ['without JWT_SECRET', {}],
    ['with a JWT_SECRET shorter than 32 bytes', { JWT_SECRET: 'too-short-secret' }],
  ])('refuses to start %s and says what to do (F14)', async (_case, env) => {
    const run = runBin({ ...env, PORT: String(await freePort()) })
    const { code } = await exitWithinGrace(run)
    expect(code).not.toBe(0)
    expect(code).not.toBeNull()
    const output = run.output()
    expect(output).toContain('JWT_SECRET must be set to at least 32 bytes')
    // It tells how to make a secret and the development escape hatch.
    expect(output).toContain('randomBytes')
    expect(output).toContain('NODE_ENV=development')
    // A plain message, not a stack trace.
    expect(output).not.toMatch(/\n\s+at /)
  })

  it('starts without a secret when NODE_ENV=development', async () => {
    const port = await freePort()
    const run = runBin({ NODE_ENV: 'development', PORT: String(port) })
    const health = await healthy(run, port)
    expect(health).toMatchObject({ status: 'ok', database: 'ok' })
    run.child.kill('SIGTERM')
    expect(await exitWithinGrace(run)).toEqual({ code: 0, signal: null })
  })

  it('on SIGTERM drains (/health 503, Connection: close), drops a request that never finishes and exits 0', async () => {
    const port = await freePort()
    const run = runBin({ JWT_SECRET: GOOD_SECRET, PORT: String(port) })
    await healthy(run, port)
    // A login whose body never arrives: it would hold the close open until its request timeout.
    const stalled = httpRequest(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '100' },
    })
    const dropped = new Promise((resolve) => stalled.once('error', resolve))
    stalled.write('{"user')
    run.child.kill('SIGTERM')
    await printed(run, 'shutting down')
    // The default drain is 3 s: the server still answers, telling load balancers it is going.
    const health = await fetch(`http://127.0.0.1:${port}/health`)
    expect(health.status).toBe(503)
    expect(health.headers.get('connection')).toBe('close')
    expect(await health.json()).toMatchObject({ error: { code: 'service_unavailable' } })
    expect(await exitWithinGrace(run)).toEqual({ code: 0, signal: null })
    // Exit 0: drain (3 s) and the close's deadline for requests in flight (5 s) fit in the grace.
    await dropped
  }, 30_000)

  it('answers /health, and on SIGTERM closes sockets with 1001 and exits 0 (F12)', async () => {
    const port = await freePort()
    const run = runBin({ JWT_SECRET: GOOD_SECRET, PORT: String(port), SCRYPT_LOG2_N: '10' })
    const health = await healthy(run, port)
    expect(health).toMatchObject({ status: 'ok', service: 'veracall-signaling', database: 'ok' })

    const register = await fetch(`http://127.0.0.1:${port}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'cli_user', password: 'a long password' }),
    })
    expect(register.status).toBe(201)
    const { token } = (await register.json()) as AuthResponse
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws/events?token=${token}`)
    const closed = new Promise<number>((done) => socket.once('close', (code) => done(code)))
    socket.on('error', () => {})
    await new Promise<void>((done, fail) => {
      socket.once('open', () => done())
      socket.once('error', fail)
    })

    run.child.kill('SIGTERM')
    expect(await closed).toBe(1001)
    expect(await exitWithinGrace(run)).toEqual({ code: 0, signal: null })
    expect(run.output()).toContain('shutting down')
  })
})

/**
 * The package as `npm pack` makes it, unpacked into a project's node_modules the way
 * `npm install ./veracall-signaling-0.1.0.tgz` leaves it, with its dependencies linked from this
 * workspace (no registry, no native rebuild) and no TypeScript anywhere it could resolve.
 */
function installPacked(): string {
  const dest = mkdtempSync(join(work, 'packed-'))
  const pack = spawnSync(
    'npm',
    ['pack', '-w', 'veracall-signaling', '--ignore-scripts', '--json', '--pack-destination', dest],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  )
  expect(pack.status, pack.stderr).toBe(0)
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[]
  if (!info) throw new Error('npm pack printed nothing')
  const files = info.files.map((f) => f.path)
  expect(files).toEqual(expect.arrayContaining(['bin/veracall-signaling.js', 'dist/server.js']))
  const project = join(dest, 'project')
  const installed = join(project, 'node_modules', 'veracall-signaling')
  mkdirSync(installed, { recursive: true })
  const untar = spawnSync('tar', [
    'xzf',
    join(dest, info.filename),
    '-C',
    installed,
    '--strip-components=1',
  ])
  expect(untar.status).toBe(0)
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>
  }
  for (const dep of Object.keys(manifest.dependencies)) {
    mkdirSync(join(project, 'node_modules', dep, '..'), { recursive: true })
    symlinkSync(join(ROOT, 'node_modules', dep), join(project, 'node_modules', dep))
  }
  return installed
}

describe('installed from a packed tarball (item 18)', () => {
  it('runs the dist/ it carries: no build step, no TypeScript', async () => {
    const installed = installPacked()
    expect(() => createRequire(join(installed, 'package.json')).resolve('typescript')).toThrow()
    const port = await freePort()
    const run = runBin(
      { NODE_ENV: 'development', PORT: String(port) },
      join(installed, 'bin', 'veracall-signaling.js'),
    )
    expect(await healthy(run, port)).toMatchObject({ status: 'ok', service: 'veracall-signaling' })
    run.child.kill('SIGTERM')
    expect(await exitWithinGrace(run)).toEqual({ code: 0, signal: null })
    expect(run.output()).not.toContain('built dist/')
  }, 90_000)

  it('without dist/ and TypeScript, says what to do instead of a stack trace', async () => {
    const installed = installPacked()
    rmSync(join(installed, 'dist'), { recursive: true })
    const run = runBin(
      { NODE_ENV: 'development', PORT: String(await freePort()) },
      join(installed, 'bin', 'veracall-signaling.js'),
    )
    const { code } = await exitWithinGrace(run)
    expect(code).toBe(1)
    expect(run.output()).toContain('dist/ is missing')
    expect(run.output()).toContain('npm ci')
    expect(run.output()).not.toMatch(/\n\s+at /)
  }, 90_000)
})
