import WebSocket from 'ws'
import { pool, type Room } from './rest-setup.js'

const OPEN_TIMEOUT_MS = 20_000
/** Relayed payloads are ~1.1 KB; peer_joined, join echoes and the like are far smaller. */
const PAYLOAD_MIN_BYTES = 512
const STALL_TIMEOUT_MS = 5000

export interface OpenRoom {
  room: Room
  /** [caller, callee] */
  sockets: [WebSocket, WebSocket]
}

/** An SDP-looking string of exactly `bytes` ASCII characters. */
export function fakeSdp(bytes: number): string {
  const line = 'a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0\r\n'
  return line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes)
}

const envelope = (type: string, roomId: string, data: object): string =>
  JSON.stringify({ type, call_id: roomId, user_id: '', data, timestamp: Date.now() })

/** Opens one participant's socket, joins the room and resolves once the other peer is there. */
function joinRoom(
  wsBase: string,
  room: Room,
  side: 0 | 1,
): { socket: WebSocket; ready: Promise<void> } {
  const url = `${wsBase}/ws/call/${room.roomId}?token=${encodeURIComponent(room.tokens[side])}`
  const socket = new WebSocket(url, { perMessageDeflate: false })
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`room ${room.roomId}: no peer`)),
      OPEN_TIMEOUT_MS,
    )
    socket.once('open', () => socket.send(envelope('join', room.roomId, {})))
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`room ${room.roomId}: HTTP ${response.statusCode} at upgrade`)),
    )
    socket.once('close', (code, reason) =>
      reject(new Error(`room ${room.roomId}: closed ${code} ${reason.toString()}`)),
    )
    socket.on('error', reject)
    const onMessage = (data: Buffer): void => {
      if (!data.toString().includes('"peer_joined"')) return
      clearTimeout(timer)
      socket.off('message', onMessage)
      resolve()
    }
    socket.on('message', onMessage)
  })
  return { socket, ready }
}

/** Opens both sockets of every room (bounded concurrency) and waits until each side sees its peer. */
export async function openRooms(
  wsBase: string | readonly [string, string],
  rooms: Room[],
  concurrency = 50,
): Promise<OpenRoom[]> {
  // Two bases: the caller's socket on the first server, the callee's on the second.
  const [callerBase, calleeBase] = typeof wsBase === 'string' ? [wsBase, wsBase] : wsBase
  return pool(rooms.length, concurrency, async (i) => {
    const room = rooms[i] as Room
    const a = joinRoom(callerBase, room, 0)
    const b = joinRoom(calleeBase, room, 1)
    await Promise.all([a.ready, b.ready])
    return { room, sockets: [a.socket, b.socket] }
  })
}

export async function closeRooms(open: OpenRoom[]): Promise<void> {
  await Promise.all(
    open.flatMap(({ sockets }) =>
      sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === WebSocket.CLOSED) return resolve()
            socket.removeAllListeners('close')
            socket.once('close', () => resolve())
            socket.close(1000)
            setTimeout(() => {
              socket.terminate()
              resolve()
            }, 5000).unref()
          }),
      ),
    ),
  )
}

export interface PingPongResult {
  /** Relayed messages received by the clients in the measured window, per second. */
  messagesPerSecond: number
  messages: number
  seconds: number
  rttMs: { p50: number; p99: number; max: number; count: number }
  /** Sockets that closed or errored during the run (should be 0). */
  failures: number
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number
}

/**
 * Each room keeps exactly one message in flight: the caller sends an offer with a `sdpBytes` SDP,
 * the callee answers as soon as it is relayed, and the caller's next offer leaves when the answer
 * arrives. Round trip = offer out → answer back, both through the server. The first `warmupMs` is
 * not counted (JIT, buffers).
 */
export async function pingPong(
  open: OpenRoom[],
  { warmupMs, durationMs, sdpBytes }: { warmupMs: number; durationMs: number; sdpBytes: number },
): Promise<PingPongResult> {
  const sdp = fakeSdp(sdpBytes)
  const start = performance.now()
  const measureFrom = start + warmupMs
  const measureTo = measureFrom + durationMs
  let messages = 0
  let failures = 0
  const rtts: number[] = []
  const finished = open.map(
    ({ room, sockets: [caller, callee] }) =>
      new Promise<void>((resolve) => {
        const offer = envelope('offer', room.roomId, { type: 'offer', sdp })
        const answer = envelope('answer', room.roomId, { type: 'answer', sdp })
        let sentAt = 0
        const fail = (): void => {
          failures++
          resolve()
        }
        for (const socket of [caller, callee]) {
          socket.removeAllListeners('message')
          socket.removeAllListeners('close')
          socket.once('close', fail)
        }
        const count = (now: number): void => {
          if (now >= measureFrom && now < measureTo) messages++
        }
        callee.on('message', (data: Buffer) => {
          if (data.length < PAYLOAD_MIN_BYTES) return
          count(performance.now())
          callee.send(answer)
        })
        caller.on('message', (data: Buffer) => {
          if (data.length < PAYLOAD_MIN_BYTES) return
          const now = performance.now()
          count(now)
          if (sentAt >= measureFrom && now < measureTo) rtts.push(now - sentAt)
          if (now >= measureTo) {
            caller.off('close', fail)
            callee.off('close', fail)
            return resolve()
          }
          sentAt = now
          caller.send(offer)
        })
        sentAt = performance.now()
        caller.send(offer)
      }),
  )
  // A room whose message went missing would wait forever: give up on it and count it as failed.
  let done = 0
  for (const room of finished) void room.then(() => done++)
  await Promise.race([
    Promise.all(finished),
    new Promise((resolve) => setTimeout(resolve, warmupMs + durationMs + STALL_TIMEOUT_MS).unref()),
  ])
  failures += finished.length - done
  const sorted = Float64Array.from(rtts).sort()
  const seconds = durationMs / 1000
  return {
    messagesPerSecond: messages / seconds,
    messages,
    seconds,
    rttMs: {
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
      count: sorted.length,
    },
    failures,
  }
}
