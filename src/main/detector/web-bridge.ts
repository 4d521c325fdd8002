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
 *
 * Two ways to run it: on its own loopback port (`startWebBridge`, `npm run detector:bridge`), or on
 * the path /detector of an HTTP server that already serves the web build (`attachWebBridge`, used by
 * `npm start`), so the page finds it at its own origin and no port has to be passed in its URL.
 */
import type { ChallengeKind } from 'veracall-signaling/protocol'
import { ChallengeKindSchema } from 'veracall-signaling/protocol'
import Value from 'typebox/value'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'
import type { DetectorHost, DetectorHostOptions } from './host.js'
import { createDetectorHost } from './host.js'
import { FRAME_HEADER_BYTES } from '../../shared/detection.js'
import { DEFAULT_ANALYSIS_RATE, MAX_FRAME_BYTES, isFrameSize } from '../../shared/ipc-contract.js'

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
/** The bridge's WebSocket path, on its own port or on a server it is attached to. */
export const WEB_BRIDGE_PATH = '/detector'
const MAX_PAYLOAD = FRAME_HEADER_BYTES + MAX_FRAME_BYTES
const LOOPBACK_ADDRESS = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])

const allowedOrigin = (origin: string | undefined): boolean =>
  origin === undefined || LOOPBACK_ORIGIN.test(origin)

export async function startWebBridge(opts: WebBridgeOptions): Promise<WebBridge> {
  const log = opts.log ?? (() => undefined)
  const host = opts.host ?? createDetectorHost({ ...opts, log })
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: opts.port ?? 0,
    path: WEB_BRIDGE_PATH,
    maxPayload: MAX_PAYLOAD,
    verifyClient: ({ origin }: { origin: string | undefined }) => allowedOrigin(origin),
  })
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve)
    wss.once('error', reject)
  })
  const closeSockets = serveBridge(wss, host, log)
  const port = (wss.address() as AddressInfo).port
  return {
    url: `ws://127.0.0.1:${port}${WEB_BRIDGE_PATH}`,
    port,
    async close() {
      closeSockets()
      await new Promise<void>((r) => wss.close(() => r()))
      if (!opts.host) await host.stop()
    },
  }
}

export interface AttachedWebBridge {
  /** The path the bridge answers on the server (`/detector`). */
  path: string
  /** Stops answering on the path (the server itself stays up) and stops the detector. */
  close(): Promise<void>
}

/**
 * Serves the bridge on `server`'s own port at /detector, for a web build served by that server
 * (`npm start`). Same rules as the standalone bridge: the page must be on http://localhost or
 * http://127.0.0.1, and here the connection must also come from this machine, since `server` may
 * listen on more than loopback. The bridge takes the 'upgrade' event for its path only: upgrades to
 * any other path go to the listeners the server already had (the signaling server's WebSockets),
 * which never see a /detector request (they would answer it 404 on the same socket).
 */
export function attachWebBridge(server: Server, opts: WebBridgeOptions): AttachedWebBridge {
  const log = opts.log ?? (() => undefined)
  const host = opts.host ?? createDetectorHost({ ...opts, log })
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD })
  const closeSockets = serveBridge(wss, host, log)
  const others = server.listeners('upgrade') as ((...args: unknown[]) => void)[]
  const refuse = (socket: Socket, status: string): void => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  }
  const onUpgrade = (request: IncomingMessage, socket: Socket, head: Buffer): void => {
    if (new URL(request.url ?? '/', 'http://bridge').pathname !== WEB_BRIDGE_PATH) {
      for (const listener of others) listener.call(server, request, socket, head)
      return
    }
    socket.on('error', () => socket.destroy())
    if (!LOOPBACK_ADDRESS.has(request.socket.remoteAddress ?? ''))
      return refuse(socket, '403 Forbidden')
    if (!allowedOrigin(request.headers.origin)) return refuse(socket, '403 Forbidden')
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request))
  }
  for (const listener of others) server.off('upgrade', listener)
  server.on('upgrade', onUpgrade)
  return {
    path: WEB_BRIDGE_PATH,
    async close() {
      server.off('upgrade', onUpgrade)
      for (const listener of others) server.on('upgrade', listener)
      closeSockets()
      await new Promise<void>((r) => wss.close(() => r()))
      if (!opts.host) await host.stop()
    },
  }
}

/** Runs the bridge's protocol on every connection `wss` accepts; returns what ends them all. */
function serveBridge(
  wss: WebSocketServer,
  host: DetectorHost,
  log: (m: string) => void,
): () => void {
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
    if (!isFrameSize(width, height, buf.length - FRAME_HEADER_BYTES)) return
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
        if (!Value.Check(ChallengeKindSchema, msg.kind))
          throw new Error('kind must be a challenge kind (turn_head, pass_hand)')
        const kind: ChallengeKind = msg.kind
        value = hostId === undefined ? null : await host.verify(hostId, { kind })
      } else throw new Error(`unknown op ${String(msg.op)}`)
      ws.send(JSON.stringify({ id, ok: true, value: value ?? null }))
    } catch (e) {
      ws.send(JSON.stringify({ id, ok: false, error: e instanceof Error ? e.message : String(e) }))
    }
  }

  return () => {
    for (const s of sockets) s.terminate()
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
