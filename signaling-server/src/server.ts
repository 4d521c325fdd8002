import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { CLOSE_TIMEOUT_MS, shutdown } from './shutdown.js'

/** The standalone process: config from the environment, listen, and a graceful exit on signals (F12). */
async function main(): Promise<void> {
  let config
  try {
    config = loadConfig(process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`veracall-signaling: ${error.message}\n`)
      process.exit(78) // EX_CONFIG
    }
    throw error
  }
  // Some configuration is only checked against the backends (a Redis not the other nodes').
  const app = await buildApp({ config }).catch((error: unknown) => {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`veracall-signaling: ${error.message}\n`)
    process.exit(78) // EX_CONFIG
  })
  const drainMs = config.shutdownDrainS * 1000
  // The last resort (exit 1) only if the bounded shutdown itself overruns.
  closeWithGrace({ delay: drainMs + CLOSE_TIMEOUT_MS + 2000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal, drainMs }, 'shutting down')
    await shutdown(app, { drainMs })
  })
  await app.listen({ host: config.host, port: config.port })
}

await main()
