import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify'
import type { DestinationStream } from 'pino'
import { systemClock, type Clock } from './clock.js'
import { startClusterCheck } from './cluster-check.js'
import type { Config } from './config.js'
import type { LoadMonitorHooks } from './load-monitor.js'
import { loggerOptions } from './logger.js'
import { lazyChildLogger, RequestLog } from './request-log.js'
import authPlugin from './plugins/app/auth.js'
import callServicePlugin from './plugins/app/call-service.js'
import dbPlugin from './plugins/app/db.js'
import drainPlugin from './plugins/app/drain.js'
import {
  clientErrorHandler,
  frameworkErrorHandler,
  installErrorHandler,
  installNotFoundHandler,
} from './plugins/app/error-handler.js'
import metricsPlugin from './plugins/app/metrics.js'
import webRootPlugin from './plugins/app/web-root.js'
import corsPlugin from './plugins/external/cors.js'
import helmetPlugin from './plugins/external/helmet.js'
import rateLimitPlugin from './plugins/external/rate-limit.js'
import underPressurePlugin from './plugins/external/under-pressure.js'
import websocketPlugin from './plugins/external/websocket.js'
import authRoutes from './routes/auth.js'
import callRoutes from './routes/calls.js'
import healthRoutes from './routes/health.js'
import metricsRoutes from './routes/metrics.js'
import turnRoutes from './routes/turn.js'
import userRoutes from './routes/users.js'
import realtimePlugin from './ws/index.js'
import { InMemoryFanout, type Fanout } from './ws/fanout.js'
import { RedisFanout } from './ws/redis-fanout.js'

export interface AppOptions {
  config: Config
  /** Where logs go (default stdout); tests pass a stream to read them. */
  logStream?: DestinationStream
  /** A built web client to serve from the same origin. */
  webRoot?: string
  /** Room and event fan-out; otherwise Redis when REDIS_URL is set, else in-memory. The caller closes one it gives. */
  fanout?: Fanout
  /** Sees every route as it is added (tests check that each one has schemas). */
  onRoute?: (route: RouteOptions) => void
  /** Load-shedding samples driven by the caller (tests) instead of a timer. */
  loadMonitor?: LoadMonitorHooks
  /** Time for the TURN credentials' expiry (tests move it). */
  clock?: Clock
}

export const BODY_LIMIT_BYTES = 64 * 1024
/** Longest path parameter (a room id is far shorter); longer ones are answered 414. */
const MAX_PARAM_LENGTH = 128

/**
 * Builds the server without listening, so the standalone process, the desktop app's embedded server
 * and the tests all run the very same app. Registration order is explicit (no autoload): external
 * protections first, then app services (each declaring its dependencies), then routes.
 */
export async function buildApp({
  config,
  logStream,
  webRoot,
  fanout,
  onRoute,
  loadMonitor,
  clock = systemClock,
}: AppOptions): Promise<FastifyInstance> {
  const cluster = config.databaseUrl !== undefined || config.redisUrl !== undefined
  const options = loggerOptions(config.logLevel, logStream)
  const app = Fastify({
    // Several nodes write to one log store: each line names its node.
    logger:
      cluster && typeof options === 'object'
        ? { ...options, base: { pid: process.pid, node: config.nodeId } }
        : options,
    logController: new RequestLog(),
    childLoggerFactory: lazyChildLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 72_000,
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    // Idle keep-alive connections are closed as the close begins; busy ones after their answer
    // (drain.ts), and shutdown.ts bounds the rest.
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH, ignoreTrailingSlash: false },
    // Errors before routing, and those of Node's HTTP parser, answer in the envelope too.
    frameworkErrors: frameworkErrorHandler(MAX_PARAM_LENGTH),
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>()
  app.server.headersTimeout = 20_000
  if (onRoute) app.addHook('onRoute', onRoute)
  // Bodies are checked as sent (unknown fields rejected, no coercion); queries are converted (F2).
  app.setValidatorCompiler(TypeBoxValidatorCompiler)

  // Before any route, plugins' own included (cors adds OPTIONS *): a route keeps the error handler
  // in force when it is added, and every error, WebSocket upgrade refusals too, uses the envelope.
  installErrorHandler(app)
  await app.register(helmetPlugin)
  await app.register(corsPlugin, { origins: config.corsOrigins })
  await app.register(rateLimitPlugin, { ...config.rateLimit, redisUrl: config.redisUrl })
  installNotFoundHandler(app)
  await app.register(dbPlugin, { dbPath: config.dbPath, databaseUrl: config.databaseUrl })
  await app.register(drainPlugin)
  await app.register(underPressurePlugin, {
    shedLoad: config.shedLoad,
    ...(loadMonitor && { loadMonitor }),
  })
  await app.register(metricsPlugin, { nodeId: config.nodeId, cluster })
  await app.register(websocketPlugin)
  await app.register(authPlugin, {
    jwtSecret: config.jwtSecret,
    tokenTtlSeconds: config.jwtExpireHours * 3600,
    scryptN: config.scryptN,
  })
  await app.register(realtimePlugin, {
    allowedOrigins: config.corsOrigins,
    pingIntervalMs: config.ws.pingIntervalMs,
    maxSocketsPerUser: config.ws.maxSocketsPerUser,
    limits: config.ws,
    fanout: fanout ?? (await ownFanout(app, config)),
  })
  if (app.storage.cluster && app.fanout instanceof RedisFanout) {
    const stopCheck = await startClusterCheck({
      registry: app.storage.cluster,
      fanout: app.fanout,
      nodeId: config.nodeId,
      ttlMs: config.presenceTtlMs,
      log: app.log,
    }).catch(async (error: unknown) => {
      await app.close() // the database and Redis connections opened so far
      throw error
    })
    app.addHook('onClose', stopCheck)
  }
  await app.register(callServicePlugin, {
    ringTimeoutS: config.ringTimeoutS,
    emptyRoomTimeoutS: config.emptyRoomTimeoutS,
    sweepIntervalMs: config.sweepIntervalMs,
  })

  await app.register(healthRoutes, { nodeId: config.nodeId })
  await app.register(metricsRoutes, { allow: config.metricsAllow })
  await app.register(authRoutes)
  await app.register(userRoutes, { minQueryLength: config.userSearchMinLength })
  await app.register(callRoutes)
  await app.register(turnRoutes, { turn: config.turn, clock })
  if (webRoot) await app.register(webRootPlugin, { root: webRoot })
  return app
}

/** The fan-out the app makes for itself from the config, closed with the app. */
async function ownFanout(app: FastifyInstance, config: Config): Promise<Fanout> {
  const fanout = config.redisUrl
    ? await RedisFanout.connect({
        url: config.redisUrl,
        nodeId: config.nodeId,
        presenceTtlMs: config.presenceTtlMs,
        onError: (error) => app.log.warn({ err: error }, 'redis'),
      })
    : new InMemoryFanout()
  app.addHook('onClose', () => fanout.close())
  return fanout
}
