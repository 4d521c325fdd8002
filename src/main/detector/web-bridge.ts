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
 *
 * Call ids belong to each connection: two pages on one bridge (both ends of a call in a test) that
 * use the same call id get separate sessions, and each sees only its own risk updates and report.
 */
import type { ChallengeKind } from 'veracall-signaling/protocol'
import { CHALLENGE_KINDS } from 'veracall-signaling/protocol'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'
import type { DetectorHost, DetectorHostOptions } from './host.js'
import { createDetectorHost } from './host.js'
import { FRAME_HEADER_BYTES } from '../../shared/detection.js'
import { DEFAULT_ANALYSIS_RATE, MAX_FRAME_SIDE } from '../../shared/ipc-contract.js'

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
    maxPayload: FRAME_HEADER_BYTES + MAX_FRAME_SIDE * MAX_FRAME_SIDE * 4,
    verifyClient: ({ origin }: { origin: string | undefined }) =>
      origin === undefined || LOOPBACK_ORIGIN.test(origin),
  })
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve)
    wss.once('error', reject)
  })
  const sockets = new Set<WebSocket>()
  /** The host's session id → the connection that owns it and the call id that page uses. */
  const owners = new Map<number, { ws: WebSocket; callId: number }>()
  /** Per connection: the page's call id → the host's session id. */
  const sessionsOf = new Map<WebSocket, Map<number, number>>()
  let nextSession = 1
  host.onRisk((update) => {
    const owner = owners.get(update.callId)
    if (!owner || owner.ws.readyState !== owner.ws.OPEN) return
    owner.ws.send(JSON.stringify({ event: 'risk', update: { ...update, callId: owner.callId } }))
  })

  wss.on('connection', (ws) => {
    sockets.add(ws)
    sessionsOf.set(ws, new Map())
    ws.on('close', () => {
      sockets.delete(ws)
      for (const hostId of sessionsOf.get(ws)?.values() ?? []) {
        owners.delete(hostId)
        void host.endSession(hostId).catch(() => undefined)
      }
      sessionsOf.delete(ws)
    })
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        void onFrame(ws, data as Buffer).catch((e: unknown) =>
          log(`web bridge frame: ${String(e)}`),
        )
        return
      }
      void onCommand(ws, String(data))
    })
  })

  async function onFrame(ws: WebSocket, buf: Buffer): Promise<void> {
    if (buf.length < FRAME_HEADER_BYTES) return
    const view = new DataView(buf.buffer, buf.byteOffset, buf.length)
    const hostId = sessionsOf.get(ws)?.get(view.getFloat64(0, true))
    if (hostId === undefined) return // no session started for that call on this connection
    const timestampMs = view.getFloat64(8, true)
    const width = view.getUint32(16, true)
    const height = view.getUint32(20, true)
    if (
      width > MAX_FRAME_SIDE ||
      height > MAX_FRAME_SIDE ||
      buf.length - FRAME_HEADER_BYTES !== width * height * 4
    )
      return
    // A fresh ArrayBuffer of exactly the pixels: it is transferred on to the worker.
    const data = new Uint8Array(buf.subarray(FRAME_HEADER_BYTES)).buffer
    await host.submitFrame({ callId: hostId, timestampMs, width, height, data })
  }

  async function onCommand(ws: WebSocket, text: string): Promise<void> {
    let id: unknown = null
    try {
      const msg = JSON.parse(text) as {
        id?: unknown
        op?: unknown
        callId?: unknown
        kind?: unknown
      }
      id = msg.id
      const callId =
        typeof msg.callId === 'number' && Number.isInteger(msg.callId) ? msg.callId : null
      const mine = sessionsOf.get(ws) ?? new Map<number, number>()
      let value: unknown
      if (msg.op === 'status') value = await host.status()
      else if (callId === null) throw new Error('callId (integer) required')
      else if (msg.op === 'startSession') {
        const previous = mine.get(callId)
        if (previous !== undefined) {
          owners.delete(previous)
          await host.endSession(previous)
        }
        const hostId = nextSession++
        mine.set(callId, hostId)
        owners.set(hostId, { ws, callId })
        value = await host.startSession(hostId)
      } else if (msg.op === 'endSession') {
        const hostId = mine.get(callId)
        mine.delete(callId)
        if (hostId !== undefined) owners.delete(hostId)
        const report = hostId === undefined ? null : await host.endSession(hostId)
        value = report && { ...report, callId }
      } else if (msg.op === 'verify') {
        const hostId = mine.get(callId)
        if (!(CHALLENGE_KINDS as readonly unknown[]).includes(msg.kind))
          throw new Error(`kind must be one of ${CHALLENGE_KINDS.join(', ')}`)
        const kind = msg.kind as ChallengeKind
        value = hostId === undefined ? null : await host.verify(hostId, { kind })
      } else throw new Error(`unknown op ${String(msg.op)}`)
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
      fps: { type: 'string', default: String(DEFAULT_ANALYSIS_RATE) },
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
