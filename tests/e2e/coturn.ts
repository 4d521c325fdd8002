import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../server/backends.js'

/**
 * A real coturn (Debian's `coturn`) for the TURN tests, started from the hardened example in
 * signaling-server/deploy/coturn/ with only what a loopback test must change: its addresses,
 * port, secret and realm, files in a temp dir, no TLS, no syslog, and relaying to 127.0.0.1 (the
 * peers' relayed addresses are on loopback here; the example denies loopback and private ranges).
 */
export const TURNSERVER = '/usr/bin/turnserver'
export const coturnUnavailable: string | undefined = existsSync(TURNSERVER)
  ? undefined
  : `${TURNSERVER} is not installed (apt-get install coturn)`

export const HARDENED_CONFIG = fileURLToPath(
  new URL('../../signaling-server/deploy/coturn/turnserver.conf', import.meta.url),
)

/** Keys of the example that name the production host, its TLS files or how it runs as a service. */
const REPLACED = new Set([
  'listening-ip',
  'relay-ip',
  'external-ip',
  'listening-port',
  'tls-listening-port',
  'min-port',
  'max-port',
  'static-auth-secret',
  'realm',
  'cert',
  'pkey',
  'cipher-list',
  'proc-user',
  'proc-group',
  'syslog',
])

export interface RunningCoturn {
  port: number
  secret: string
  /** `turn:127.0.0.1:<port>?transport=udp`, for TURN_URLS. */
  url: string
  /** What coturn has logged so far. */
  log(): string
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/** The example config with the test's replacements, as coturn reads it. */
export function testConfig(dir: string, port: number, secret: string): string {
  const kept = readFileSync(HARDENED_CONFIG, 'utf8')
    .split('\n')
    .filter((line) => !REPLACED.has(line.split('=')[0]?.trim() ?? ''))
  return [
    ...kept,
    '# --- test replacements ---',
    'listening-ip=127.0.0.1',
    'relay-ip=127.0.0.1',
    `listening-port=${port}`,
    `static-auth-secret=${secret}`,
    'realm=veracall.test',
    'no-tls',
    'allow-loopback-peers',
    'allowed-peer-ip=127.0.0.1',
    `userdb=${join(dir, 'turndb')}`,
    `pidfile=${join(dir, 'turnserver.pid')}`,
    `log-file=${join(dir, 'turn.log')}`,
    'no-stdout-log',
    'verbose',
    '',
  ].join('\n')
}

const tcpOpen = (port: number): Promise<boolean> =>
  new Promise((done) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      done(true)
    })
    socket.once('error', () => done(false))
  })

async function launch(dir: string, port: number, secret: string): Promise<ChildProcess> {
  const config = join(dir, 'turnserver.conf')
  writeFileSync(config, testConfig(dir, port, secret), { mode: 0o600 })
  const child = spawn(TURNSERVER, ['-c', config], { stdio: 'ignore' })
  running.add(child)
  child.once('exit', () => running.delete(child))
  const logFile = join(dir, 'turn.log')
  const deadline = Date.now() + 15_000
  for (;;) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''
    if (child.exitCode !== null || child.signalCode !== null || /cannot bind/i.test(log)) {
      await stop(child)
      throw new Error(`turnserver did not start on port ${port}:\n${log.slice(-2000)}`)
    }
    if (/Total General servers/.test(log) && (await tcpOpen(port))) return child
    if (Date.now() > deadline) {
      await stop(child)
      throw new Error(`turnserver not ready within 15 s:\n${log.slice(-2000)}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((done) => child.once('exit', done))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

/** coturn on a free loopback port; the caller stops it in an afterAll. */
export async function startCoturn(): Promise<RunningCoturn> {
  if (coturnUnavailable) throw new Error(coturnUnavailable)
  const dir = mkdtempSync(join(tmpdir(), 'veracall-coturn-'))
  const secret = randomBytes(24).toString('base64url')
  let child: ChildProcess | undefined
  let port = 0
  for (let attempt = 1; !child; attempt++) {
    port = await freePort()
    try {
      child = await launch(dir, port, secret)
    } catch (error) {
      // Another process may have taken the port (TCP or UDP) between freePort() and the bind.
      if (attempt >= 3) {
        rmSync(dir, { recursive: true, force: true })
        throw error
      }
    }
  }
  const started = child
  return {
    port,
    secret,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    log: () => readFileSync(join(dir, 'turn.log'), 'utf8'),
    async stop() {
      await stop(started)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
