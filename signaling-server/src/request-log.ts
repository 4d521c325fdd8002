import {
  LogController,
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify'
import type { Bindings, ChildLoggerOptions, Level } from 'pino'

/**
 * Fastify's per-request lines ("incoming request", "request completed") at debug instead of info.
 * At the default level they were two JSON lines per request, more than half of an authenticated
 * request's CPU (`GET /users/me` 0.25× a bare route with them, 0.5× without): a signalling
 * server's info log is for its own events, and a reverse proxy in front keeps access logs.
 * A request that failed is still logged at error, as Fastify does.
 */
export class RequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request')
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (error) return super.requestCompleted(error, request, reply)
    reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed')
  }
}

interface LevelAware {
  isLevelEnabled(level: string): boolean
}

/**
 * `request.log` that makes its pino child (the request id bound, secrets redacted) only when a line
 * is written at an enabled level. Fastify makes one per request; with redaction configured, making
 * it cost about a tenth of a `GET /users/me`, and almost no request logs anything.
 */
class LazyChildLogger implements FastifyBaseLogger {
  #made: FastifyBaseLogger | undefined

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  get level(): string {
    return this.#made?.level ?? this.parent.level
  }

  set level(level: string) {
    this.#child().level = level
  }

  // Methods on the prototype, not arrow fields: nothing is allocated per request but the object.
  fatal(...args: unknown[]): void {
    this.#write('fatal', args)
  }
  error(...args: unknown[]): void {
    this.#write('error', args)
  }
  warn(...args: unknown[]): void {
    this.#write('warn', args)
  }
  info(...args: unknown[]): void {
    this.#write('info', args)
  }
  debug(...args: unknown[]): void {
    this.#write('debug', args)
  }
  trace(...args: unknown[]): void {
    this.#write('trace', args)
  }
  silent(): void {}

  isLevelEnabled(level: string): boolean {
    const decides = (this.#made ?? this.parent) as Partial<LevelAware>
    return decides.isLevelEnabled?.(level) ?? true
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#child().child(bindings, options)
  }

  #write(level: Level, args: unknown[]): void {
    // A level set on this logger lives on the child; otherwise the parent's decides. A logger
    // without isLevelEnabled (not pino) is asked by writing.
    if (this.isLevelEnabled(level)) (this.#child()[level] as (...args: unknown[]) => void)(...args)
  }

  #child(): FastifyBaseLogger {
    return (this.#made ??= this.parent.child(this.bindings, this.options))
  }
}

/** Fastify's `childLoggerFactory`: a LazyChildLogger for each request. */
export function lazyChildLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyChildLogger(logger, bindings, options)
}
