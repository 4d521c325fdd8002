/**
 * The process under load, one per target, so its RSS is its own and the load generator never shares
 * its event loop. Started by bench/signaling.ts with `--import tsx --conditions=source --expose-gc`;
 * argv[2] is a JSON TargetSpec. It answers memory and CPU probes and a stop over the IPC channel.
 */
import Fastify from 'fastify'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createSignalingServer, type Config } from 'veracall-signaling'
import { WebSocketServer, type WebSocket } from 'ws'
import type { ParentMessage, TargetMessage, TargetSpec } from './target-protocol.js'

const send = (message: TargetMessage): void => void process.send?.(message)

/**
 * The baseline: a bare `ws` relay that pairs sockets by the room in the path and forwards every
 * frame as is to the other peer. No auth, no parsing, no framework: the floor for a relay.
 */
async function startBareRelay(): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = createServer((_request, response) => response.writeHead(404).end())
  const wss = new WebSocketServer({ server, maxPayload: 64 * 1024, perMessageDeflate: false })
  const rooms = new Map<string, Set<WebSocket>>()
  const joined = (roomId: string): string =>
    JSON.stringify({ type: 'peer_joined', call_id: roomId, data: {}, timestamp: Date.now() })
  wss.on('connection', (socket, request) => {
    const roomId = new URL(request.url ?? '/', 'http://relay').pathname.split('/').pop() ?? ''
    let room = rooms.get(roomId)
    if (!room) rooms.set(roomId, (room = new Set()))
    for (const other of room) {
      other.send(joined(roomId))
      socket.send(joined(roomId))
    }
    room.add(socket)
    const members = room
    socket.on('message', (data, isBinary) => {
      for (const other of members) if (other !== socket) other.send(data, { binary: isBinary })
    })
    socket.on('close', () => {
      members.delete(socket)
      if (members.size === 0) rooms.delete(roomId)
    })
    socket.on('error', () => socket.terminate())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      for (const client of wss.clients) client.terminate()
      wss.close()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/** The baseline for REST: a bare Fastify hello route, no plugins, no logger. */
async function startBareFastify(): Promise<{ url: string; stop: () => Promise<void> }> {
  const app = Fastify({ logger: false })
  app.get('/hello', async () => ({ hello: 'world' }))
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return { url, stop: () => app.close() }
}

/** The project's server as a library, configured exactly as the bench printed. */
async function startVeracall(
  spec: Extract<TargetSpec, { kind: 'veracall' }>,
): Promise<{ url: string; config: Config; stop: () => Promise<void> }> {
  const server = createSignalingServer({ env: spec.env })
  const { url } = await server.start()
  return { url, config: server.config, stop: () => server.stop() }
}

const spec = JSON.parse(process.argv[2] ?? '{}') as TargetSpec
const target: { url: string; config?: Config; stop: () => Promise<void> } =
  spec.kind === 'veracall'
    ? await startVeracall(spec)
    : spec.kind === 'bare-ws'
      ? await startBareRelay()
      : await startBareFastify()

const gc = (globalThis as { gc?: () => void }).gc
process.on('message', (message: ParentMessage) => {
  if (message.type === 'memory') {
    if (message.gc && gc) {
      // Twice: the first pass can leave finalised objects for the second.
      gc()
      gc()
    }
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage()
    send({ type: 'memory', id: message.id, rss, heapUsed, external, arrayBuffers })
  } else if (message.type === 'cpu') {
    const { user, system } = process.cpuUsage()
    send({ type: 'cpu', id: message.id, user, system })
  } else if (message.type === 'stop') {
    void target.stop().finally(() => {
      process.disconnect?.()
      process.exit(0)
    })
  }
})
send({ type: 'ready', url: target.url, ...(target.config && { config: target.config }) })
