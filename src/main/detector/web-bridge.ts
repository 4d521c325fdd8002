/**
 * A loopback WebSocket bridge so the plain web build (and browser tests) can use the same
 * detector engine as Electron's main process. Plain Node + `ws`; binds 127.0.0.1 only and accepts
 * only http://localhost / http://127.0.0.1 pages.
 *
 * Wire (ws://127.0.0.1:PORT/detector):
 * - text, client → bridge: {"id": n, "op": "status" | "startSession" | "endSession" | "verify", "callId"?: n}
 * - text, bridge → client: {"id": n, "ok": true, "value": ...} | {"id": n, "ok": false, "error": "..."}
 *                          {"event": "risk", "update": RiskUpdate}
 * - binary, client → bridge: one frame = 24-byte little-endian header
 *   [callId f64, timestampMs f64, width u32, height u32] followed by width × height × 4 RGBA bytes.
 */
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'
import type { DetectorHost, DetectorHostOptions } from './host.js'
import { createDetectorHost } from './host.js'

export const FRAME_HEADER_BYTES = 24
const MAX_SIDE = 640

export interface WebBridge {
  url: string
  port: number
  close(): Promise<void>
}

export interface WebBridgeOptions extends Omit<DetectorHostOptions, 'log'> {
  port?: number
  log?: (m: string) => void
  /** For tests: an existing host instead of a new one. */
  host?: DetectorHost
}

const LOOPBACK_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/

export async function startWebBridge(opts: WebBridgeOptions): Promise<WebBridge> {
  const log = opts.log ?? (() => undefined)
  const host = opts.host ?? createDetectorHost({ ...opts, log })
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: opts.port ?? 0,
    path: '/detector',
    maxPayload: FRAME_HEADER_BYTES + MAX_SIDE * MAX_SIDE * 4,
    verifyClient: ({ origin }: { origin: string | undefined }) =>
      origin === undefined || LOOPBACK_ORIGIN.test(origin),
  })
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve)
    wss.once('error', reject)
  })
  const sockets = new Set<WebSocket>()
  host.onRisk((update) => {
    const msg = JSON.stringify({ event: 'risk', update })
    for (const s of sockets) if (s.readyState === s.OPEN) s.send(msg)
  })

  wss.on('connection', (ws) => {
    sockets.add(ws)
    ws.on('close', () => sockets.delete(ws))
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        void onFrame(data as Buffer).catch((e: unknown) => log(`web bridge frame: ${String(e)}`))
        return
      }
      void onCommand(ws, String(data))
    })
  })

  async function onFrame(buf: Buffer): Promise<void> {
    if (buf.length < FRAME_HEADER_BYTES) return
    const view = new DataView(buf.buffer, buf.byteOffset, buf.length)
    const callId = view.getFloat64(0, true)
    const timestampMs = view.getFloat64(8, true)
    const width = view.getUint32(16, true)
    const height = view.getUint32(20, true)
    if (
      width > MAX_SIDE ||
      height > MAX_SIDE ||
      buf.length - FRAME_HEADER_BYTES !== width * height * 4
    )
      return
    // A fresh ArrayBuffer of exactly the pixels: it is transferred on to the worker.
    const data = new Uint8Array(buf.subarray(FRAME_HEADER_BYTES)).buffer
    await host.submitFrame({ callId, timestampMs, width, height, data })
  }

  async function onCommand(ws: WebSocket, text: string): Promise<void> {
    let id: unknown = null
    try {
      const msg = JSON.parse(text) as { id?: unknown; op?: unknown; callId?: unknown }
      id = msg.id
      const callId =
        typeof msg.callId === 'number' && Number.isInteger(msg.callId) ? msg.callId : null
      let value: unknown
      if (msg.op === 'status') value = await host.status()
      else if (callId === null) throw new Error('callId (integer) required')
      else if (msg.op === 'startSession') value = await host.startSession(callId)
      else if (msg.op === 'endSession') value = await host.endSession(callId)
      else if (msg.op === 'verify') value = await host.verify(callId)
      else throw new Error(`unknown op ${String(msg.op)}`)
      ws.send(JSON.stringify({ id, ok: true, value: value ?? null }))
    } catch (e) {
      ws.send(JSON.stringify({ id, ok: false, error: e instanceof Error ? e.message : String(e) }))
    }
  }

  const port = (wss.address() as AddressInfo).port
  return {
    url: `ws://127.0.0.1:${port}/detector`,
    port,
    async close() {
      for (const s of sockets) s.terminate()
      await new Promise<void>((r) => wss.close(() => r()))
      if (!opts.host) await host.stop()
    },
  }
}

/**
 * Run standalone for the web build and browser tests:
 *   npm run detector:bridge -- [--port 8790] [--model resources/models] [--fps 5]
 */
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8790' },
      model: { type: 'string', default: 'resources/models' },
      fps: { type: 'string', default: '5' },
    },
  })
  const bridge = await startWebBridge({
    modelDir: path.resolve(values.model),
    analysisRate: Number(values.fps),
    port: Number(values.port),
    log: (m) => console.log(m),
  })
  console.log(`detector bridge on ${bridge.url}`)
  const shutdown = (): void => void bridge.close().then(() => process.exit(0))
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
}
