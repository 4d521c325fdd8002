import type { FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import type { DestinationStream } from 'pino'
import { buildApp } from './app.js'
import { loadConfig, type Config } from './config.js'
import { CLOSE_TIMEOUT_MS, closeWithin } from './shutdown.js'
import type { Clock } from './clock.js'
import type { Fanout } from './ws/fanout.js'

export interface SignalingServerOptions {
  /** Variables as in protocol.md (defaults to process.env); HOST defaults to 127.0.0.1 here. */
  env?: Record<string, string | undefined>
  /** Overrides applied after the environment is read. */
  config?: Partial<Config>
  webRoot?: string
  logStream?: DestinationStream
  fanout?: Fanout
  /** Time for the TURN credentials' expiry (tests move it). */
  clock?: Clock
  /** How long stop() waits for requests in flight before it drops their connections. */
  closeTimeoutMs?: number
}

export interface BoundAddress {
  host: string
  port: number
  /** http://host:port, for REST; WebSockets are the same with ws://. */
  url: string
}

export interface SignalingServer {
  readonly config: Config
  /** The Fastify app, once started. */
  readonly app: FastifyInstance | undefined
  start(): Promise<BoundAddress>
  stop(): Promise<void>
}

/**
 * The server as a library, for the desktop app's embedded server and for tests: `start()` listens
 * (port 0 picks a free port) and resolves to the bound address; `stop()` closes sockets with 1001,
 * finishes in-flight requests (dropping those still open after `closeTimeoutMs`) and closes the
 * database. No drain: the desktop app has no load balancer to warn.
 */
export function createSignalingServer(options: SignalingServerOptions = {}): SignalingServer {
  const env = { ...(options.env ?? process.env) }
  // A secret given as config stands in for JWT_SECRET, so the environment needn't carry it.
  if (options.config?.jwtSecret) env.JWT_SECRET = options.config.jwtSecret
  const config: Config = { ...loadConfig(env, { embedded: true }), ...options.config }
  let app: FastifyInstance | undefined
  return {
    config,
    get app() {
      return app
    },
    async start() {
      if (app) throw new Error('signaling server already started')
      app = await buildApp({
        config,
        ...(options.webRoot && { webRoot: options.webRoot }),
        ...(options.logStream && { logStream: options.logStream }),
        ...(options.fanout && { fanout: options.fanout }),
        ...(options.clock && { clock: options.clock }),
      })
      await app.listen({ host: config.host, port: config.port })
      const { address, port } = app.server.address() as AddressInfo
      const host = address.includes(':') ? `[${address}]` : address
      return { host: address, port, url: `http://${host}:${port}` }
    },
    async stop() {
      const running = app
      app = undefined
      if (running) await closeWithin(running, options.closeTimeoutMs ?? CLOSE_TIMEOUT_MS)
    },
  }
}
