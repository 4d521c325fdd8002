/**
 * The detector worker as electron-vite bundles it (its own entry, out/main/detector-worker.js,
 * importing chunks shared with main): started by the host the way src/main/index.ts does, it loads
 * the shipped model and scores a real face.
 */
import { rmSync, symlinkSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RiskUpdate } from '../../src/shared/detection.js'
import { forkDetector } from '../../src/main/detector/detector-process.js'
import { createDetectorHost, type DetectorHost } from '../../src/main/detector/host.js'
import { demoFrame } from '../main/detector/photos.js'
import { buildDesktopBundle } from './desktop-shell.js'

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)))

describe('bundled detector worker', { timeout: 120_000 }, () => {
  let outDir = ''
  let host: DetectorHost | null = null

  beforeAll(async () => {
    // Like the package: main/ finds node_modules (onnxruntime-node, BlazeFace) by walking up.
    outDir = await buildDesktopBundle()
    symlinkSync(join(root, 'node_modules'), join(outDir, 'node_modules'), 'dir')
  }, 120_000)

  afterAll(async () => {
    await host?.stop()
    // Removes the node_modules link, not what it points at.
    if (outDir !== '') rmSync(outDir, { recursive: true, force: true })
  })

  it('loads the shipped model and scores a face photo', async () => {
    const log: string[] = []
    host = createDetectorHost({
      modelDir: join(root, 'resources', 'models'),
      analysisRate: 5,
      log: (m) => log.push(m),
      // The built entry in its own process, as the app's utility process runs it.
      spawn: forkDetector(join(outDir, 'main', 'detector-worker.js')),
    })
    const status = await host.status()
    expect(status, log.join('\n')).toMatchObject({ available: true })
    expect(status.model?.name).toBeTruthy()

    const scored = new Promise<RiskUpdate>((res) =>
      host?.onRisk((u) => {
        if (u.score !== null) res(u)
      }),
    )
    await host.startSession(1)
    await host.submitFrame(await demoFrame(1, 'sample3.jpg'))
    const update = await scored
    expect(update.callId).toBe(1)
    expect(update.score).toBeGreaterThanOrEqual(0)
    expect(update.score).toBeLessThanOrEqual(1)
    expect(update.model).toEqual(status.model)
  })
})
