import path from 'node:path'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createSignalingServer, type SignalingServer } from 'veracall-signaling'
import { attachWebBridge, type AttachedWebBridge } from '../../../src/main/detector/web-bridge.js'
import {
  createWebDetectionPort,
  type MinimalSocket,
} from '../../../src/renderer/src/detection/web-detection-port.js'
import { TEST_SECRET, tryUpgrade } from '../../server/helper.js'

const MODEL = path.resolve('tests/fixtures/detector/tiny-logit1')

/**
 * `npm start` serves the detector bridge on the signaling server's own port (item 21): the page
 * finds it at /detector on its origin, and the server's own WebSockets keep working beside it.
 */
describe('detector bridge attached to the signaling server', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'veracall-bridge-attach-'))
  let server: SignalingServer
  let bridge: AttachedWebBridge
  let base: string
  beforeAll(async () => {
    server = createSignalingServer({
      env: {
        JWT_SECRET: TEST_SECRET,
        DB_PATH: path.join(dir, 'signaling.db'),
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
      },
    })
    const address = await server.start()
    base = `ws://127.0.0.1:${address.port}`
    if (!server.app) throw new Error('not started')
    bridge = attachWebBridge(server.app.server, { modelDir: MODEL, analysisRate: 5, cpuBudget: 1 })
  })
  afterAll(async () => {
    await bridge.close()
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const port = (origin: string) =>
    createWebDetectionPort(
      `${base}/detector`,
      (u) => new WebSocket(u, { origin }) as unknown as MinimalSocket,
    )

  it('answers the web build at /detector on the server’s port', async () => {
    const page = port(`http://localhost:${new URL(base).port}`)
    try {
      expect(await page.status()).toMatchObject({ available: true })
    } finally {
      page.close()
    }
  })

  it('refuses a page from another origin, and the server keeps its own WebSockets', async () => {
    const evil = await tryUpgrade(`${base}/detector`, { origin: 'https://evil.example' })
    expect(evil).toMatchObject({ upgraded: false, status: 403 })
    const page = port('https://evil.example')
    try {
      expect(await page.status()).toMatchObject({
        available: false,
        reason: 'web_bridge_unreachable',
      })
    } finally {
      page.close()
    }
    // The signaling server still answers its own upgrades (here: no token → 401 before upgrade).
    const events = await tryUpgrade(`${base}/ws/events`)
    expect(events).toMatchObject({ upgraded: false, status: 401 })
  })

  it('gives the path back to the server when closed', async () => {
    const other = createSignalingServer({
      env: {
        JWT_SECRET: TEST_SECRET,
        DB_PATH: path.join(dir, 'other.db'),
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
      },
    })
    const { port: otherPort } = await other.start()
    try {
      if (!other.app) throw new Error('not started')
      const attached = attachWebBridge(other.app.server, {
        modelDir: MODEL,
        analysisRate: 5,
        cpuBudget: 1,
      })
      const open = await tryUpgrade(`ws://127.0.0.1:${otherPort}/detector`)
      expect(open.upgraded).toBe(true)
      if (open.upgraded) open.socket.close()
      await attached.close()
      const after = await tryUpgrade(`ws://127.0.0.1:${otherPort}/detector`)
      expect(after).toMatchObject({ upgraded: false, status: 404 })
      expect(await tryUpgrade(`ws://127.0.0.1:${otherPort}/ws/events`)).toMatchObject({
        upgraded: false,
        status: 401,
      })
    } finally {
      await other.stop()
    }
  })
})
