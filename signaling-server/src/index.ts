export { buildApp, BODY_LIMIT_BYTES, type AppOptions } from './app.js'
export type { LoadMonitorHooks, LoadProbe, LoadSample } from './load-monitor.js'
export { loadConfig, ConfigError, DEFAULTS, type Config } from './config.js'
export {
  createSignalingServer,
  type BoundAddress,
  type SignalingServer,
  type SignalingServerOptions,
} from './embed.js'
export {
  CLOSE_TIMEOUT_MS,
  closeWithin,
  shutdown,
  type Delay,
  type ShutdownOptions,
} from './shutdown.js'
export { InMemoryFanout, type Fanout, type Subscriber } from './ws/fanout.js'
