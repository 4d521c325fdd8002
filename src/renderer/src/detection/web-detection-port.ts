/**
 * DetectionPort for the plain web build: talks to the loopback detector bridge
 * (src/main/detector/web-bridge.ts) over one WebSocket. Frames go as binary messages, never JSON.
 */
import type {
  ChallengeKind,
  DetectionPort,
  DetectorStatus,
  FrameInput,
  RiskUpdate,
  SecurityReport,
} from '../../../shared/detection.js'
import { FRAME_HEADER_BYTES } from '../../../shared/detection.js'

/**
 * Why the web build's face check cannot run, as a code the security panel words in the reader's
 * language (`security.reasons.*`): the page is not served from this computer, or the bridge cannot
 * be reached (its server was not started by `npm start`, or had no model).
 */
export type WebDetectorUnavailable = 'web_remote_page' | 'web_bridge_unreachable'

/** A port that only says why there is no detection here. */
export function createUnavailableDetectionPort(reason: WebDetectorUnavailable): DetectionPort {
  return {
    status: async () => ({ available: false, reason, model: null, fps: 0 }),
    startSession: async () => undefined,
    submitFrame: async () => undefined,
    endSession: async () => null,
    onRisk: () => () => undefined,
  }
}

/** The subset of the browser WebSocket this port uses (Node tests pass `ws`'s). */
export interface MinimalSocket {
  readonly readyState: number
  binaryType: string
  send(data: string | ArrayBuffer): void
  close(): void
  addEventListener(type: 'open' | 'close' | 'error', l: () => void): void
  addEventListener(type: 'message', l: (e: { data: unknown }) => void): void
}

export function createWebDetectionPort(
  url: string,
  makeSocket: (url: string) => MinimalSocket = (u) => new WebSocket(u),
): DetectionPort & { close(): void } {
  const ws = makeSocket(url)
  ws.binaryType = 'arraybuffer'
  const opened = new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve())
    ws.addEventListener('error', () => reject(new Error(`detector bridge unreachable at ${url}`)))
  })
  opened.catch(() => undefined)
  let nextId = 1
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const listeners = new Set<(u: RiskUpdate) => void>()

  ws.addEventListener('message', (e) => {
    if (typeof e.data !== 'string') return
    const msg = JSON.parse(e.data) as
      | { event: 'risk'; update: RiskUpdate }
      | { id: number; ok: true; value: unknown }
      | { id: number; ok: false; error: string }
    if ('event' in msg) {
      for (const l of listeners) l(msg.update)
      return
    }
    const p = pending.get(msg.id)
    pending.delete(msg.id)
    if (msg.ok) p?.resolve(msg.value)
    else p?.reject(new Error(msg.error))
  })
  ws.addEventListener('close', () => {
    for (const p of pending.values()) p.reject(new Error('detector bridge closed'))
    pending.clear()
  })

  const call = async (op: string, callId?: number, kind?: ChallengeKind): Promise<unknown> => {
    await opened
    const id = nextId++
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject })
      ws.send(JSON.stringify({ id, op, callId, kind }))
    })
  }

  return {
    async status() {
      try {
        return (await call('status')) as DetectorStatus
      } catch {
        const reason: WebDetectorUnavailable = 'web_bridge_unreachable'
        return { available: false, reason, model: null, fps: 0 }
      }
    },
    async startSession(callId) {
      await call('startSession', callId)
    },
    async submitFrame(frame: FrameInput) {
      await opened
      const msg = new ArrayBuffer(FRAME_HEADER_BYTES + frame.data.byteLength)
      const view = new DataView(msg)
      view.setFloat64(0, frame.callId, true)
      view.setFloat64(8, frame.timestampMs, true)
      view.setUint32(16, frame.width, true)
      view.setUint32(20, frame.height, true)
      new Uint8Array(msg, FRAME_HEADER_BYTES).set(new Uint8Array(frame.data))
      ws.send(msg)
    },
    async endSession(callId) {
      return (await call('endSession', callId)) as SecurityReport | null
    },
    async verify(callId, kind) {
      await call('verify', callId, kind)
    },
    onRisk(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close() {
      ws.close()
    },
  }
}
