/**
 * `npm start`: the Electron app where its binary is present; otherwise (CI, servers, machines
 * where the download was skipped) the embedded signaling server serving the built web client on
 * localhost, with the URL printed.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync } from 'node:fs'
import type { Server } from 'node:http'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { electronBinary } from './electron-binary.js'
import { DEFAULT_ANALYSIS_RATE } from '../src/shared/ipc-contract.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

async function startElectron(): Promise<void> {
  const child = spawn('npx', ['electron-vite', 'dev'], { cwd: root, stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
}

/**
 * The deepfake detector for the web build, served at /detector on the signaling server's own port
 * (the page finds it at its own origin), when the bundled model is present. Says why otherwise: the
 * page's security panel can only say that there is no detector here.
 */
async function attachDetector(server: Server): Promise<{ close(): Promise<void> } | null> {
  const modelDir = join(root, 'resources', 'models')
  if (!existsSync(join(modelDir, 'model.onnx'))) {
    console.warn(`Deepfake check unavailable: no model at ${join(modelDir, 'model.onnx')}`)
    return null
  }
  try {
    const { attachWebBridge } = await import('../src/main/detector/web-bridge.js')
    return attachWebBridge(server, { modelDir, analysisRate: DEFAULT_ANALYSIS_RATE })
  } catch (err) {
    console.warn(`Deepfake check unavailable: ${String(err)}`)
    return null
  }
}

async function startWeb(): Promise<void> {
  const { build } = await import('vite')
  const outDir = join(root, 'dist', 'web')
  console.log('Electron is not available here: starting the web client instead.')
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir } })
  const { createSignalingServer } = await import('veracall-signaling')
  const dataDir = join(root, 'data')
  mkdirSync(dataDir, { recursive: true })
  const port = process.env.PORT ?? '8000'
  const server = createSignalingServer({
    env: {
      ...process.env,
      HOST: process.env.HOST ?? '127.0.0.1',
      PORT: port,
      DB_PATH: process.env.DB_PATH ?? join(dataDir, 'veracall.db'),
      // A fresh secret each run signs everyone out on restart, which is fine for a local app.
      JWT_SECRET: process.env.JWT_SECRET ?? randomBytes(48).toString('base64url'),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
    webRoot: outDir,
  })
  const address = await server.start()
  const app = server.app
  const bridge = app ? await attachDetector(app.server) : null
  // localhost, not 127.0.0.1, so the page is a secure context that may use the camera.
  const url = `http://localhost:${address.port}/`
  console.log(
    `\nVeracall is running at ${url}\nOpen it in two browser windows (or two profiles) to call yourself. Ctrl+C stops it.\n`,
  )
  const stop = (): void => {
    void (async () => {
      await bridge?.close()
      await server.stop()
      process.exit(0)
    })()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const binary = process.env.VERACALL_WEB === '1' ? null : electronBinary()
  await (binary ? startElectron() : startWeb())
}
