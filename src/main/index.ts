/**
 * Entry point of the main process: builds the real Electron adapter and hands it to the
 * lifecycle. Everything with logic lives in plain modules that are tested under Node.
 */
import { networkInterfaces } from 'node:os'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createElectronAdapter } from './electron-bindings.js'
import { devServerUrlFrom, runApp } from './lifecycle.js'
import { servicesStarter } from './start-services.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const adapter = createElectronAdapter()
const log = (message: string): void => console.warn(`[veracall] ${message}`)

// Bundled layout (electron-vite): out/main/index.js, out/preload/index.cjs, out/renderer/.
const appRoot = adapter.app.getAppPath()
const resources = path.join(appRoot, 'resources')
// The worker stays inside the asar (Electron's worker threads read it since v17), so its imports of
// the shared chunks next to it resolve; only the native runtime and model files are unpacked.
const worker = path.join(here, 'detector-worker.js')
const devServerUrl = devServerUrlFrom(
  process.env['ELECTRON_RENDERER_URL'],
  adapter.app.isPackaged,
  log,
)

function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((i) => i.family === 'IPv4' && !i.internal)
    .map((i) => i.address)
}

runApp(
  adapter,
  { devServerUrl, argv: process.argv, log },
  servicesStarter({
    paths: {
      preload: path.join(here, '../preload/index.cjs'),
      rendererDir: path.join(here, '../renderer'),
      iconsDir: path.join(resources, 'icons'),
      // Model files are unpacked from the asar so that onnxruntime can open them.
      modelsDir: path
        .join(resources, 'models')
        .replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`),
      // Bundled by electron-vite as its own entry (electron.vite.config.ts).
      detectorWorker: existsSync(worker) ? worker : null,
      devServerUrl,
    },
    loadSignaling: async () => (await import('veracall-signaling')).createSignalingServer,
    lanAddresses,
    log,
  }),
)
