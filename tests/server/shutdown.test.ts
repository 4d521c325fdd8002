import type { FastifyInstance } from 'fastify'
import { Agent, request, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import {
  buildApp,
  closeWithin,
  createSignalingServer,
  shutdown,
  type Delay,
} from 'veracall-signaling'
import { testConfig } from './helper.js'

/** Delays that elapse when the test says so; `requested(ms)` resolves once one of `ms` is asked for. */
function manualDelays() {
  const pending = new Map<number, () => void>()
  const waiters = new Map<number, () => void>()
  const wait: Delay = (ms) => {
    const elapsed = new Promise<void>((resolve) => pending.set(ms, resolve))
    waiters.get(ms)?.()
    return { elapsed, cancel: () => pending.delete(ms) }
  }
  return {
    wait,
    requested: (ms: number) =>
      pending.has(ms)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.set(ms, resolve)),
    elapse(ms: number): void {
      const resolve = pending.get(ms)
      if (!resolve) throw new Error(`no pending delay of ${ms} ms`)
      pending.delete(ms)
      resolve()
    },
  }
}

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  socket: Socket
}

function get(url: string, agent?: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume()
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          socket: req.socket as Socket,
        }),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

/** A login whose body never finishes arriving: in flight until its connection is dropped. */
function stalledRequest(url: string): { failed: Promise<Error> } {
  const req = request(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': '100' },
  })
  const failed = new Promise<Error>((resolve) => req.on('error', resolve))
  req.write('{"user')
  return { failed }
}

const apps: FastifyInstance[] = []
afterAll(async () => {
  for (const app of apps) await app.close()
})

/** The app listening on loopback, with an event for each request that reaches it. */
async function listening(): Promise<{
  app: FastifyInstance
  url: string
  arrived(path: string): Promise<void>
}> {
  const app = await buildApp({ config: testConfig() })
  apps.push(app)
  const arrivals = new Map<string, () => void>()
  const seen = new Set<string>()
  app.addHook('onRequest', async (req) => {
    seen.add(req.url)
    arrivals.get(req.url)?.()
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const arrived = (path: string) =>
    seen.has(path) ? Promise.resolve() : new Promise<void>((resolve) => arrivals.set(path, resolve))
  return { app, url, arrived }
}

// Issue 14 item 5: a graceful stop that load balancers see coming and no client can hold open.
describe('shutdown', () => {
  it('drains: /health answers 503, every answer closes its connection, then the server closes', async () => {
    const { app, url } = await listening()
    const delays = manualDelays()
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const before = await get(`${url}/health`, agent)
    expect(before).toMatchObject({ status: 200, headers: { connection: 'keep-alive' } })
    const keptAlive = new Promise((resolve) => before.socket.once('close', resolve))

    const stopping = shutdown(app, { drainMs: 3000, wait: delays.wait })
    // The same keep-alive connection: told 503 and closed after the answer.
    const health = await get(`${url}/health`, agent)
    expect(health).toMatchObject({ status: 503, headers: { connection: 'close' } })
    await keptAlive
    // Anything else is still served during the drain, on a connection that then closes.
    expect(await get(`${url}/api/v1/users/me`)).toMatchObject({
      status: 401,
      headers: { connection: 'close' },
    })
    delays.elapse(3000)
    await stopping
    expect(app.server.listening).toBe(false)
    expect(app.db?.open).toBe(false)
  })

  it('closes idle keep-alive connections at once and drops a request still in flight at the deadline', async () => {
    const { app, url, arrived } = await listening()
    const delays = manualDelays()
    const idle = await get(`${url}/health`, new Agent({ keepAlive: true }))
    const idleClosed = new Promise((resolve) => idle.socket.once('close', resolve))
    const stalled = stalledRequest(url)
    await arrived('/api/v1/auth/login')

    let closed = false
    const stopping = closeWithin(app, 5000, delays.wait).then(() => (closed = true))
    await idleClosed
    await delays.requested(5000)
    expect(closed).toBe(false)
    delays.elapse(5000)
    await stopping
    expect((await stalled.failed).message).toMatch(/socket hang up|ECONNRESET/)
  })

  it("bounds the embedded server's stop() when a request never finishes", async () => {
    const server = createSignalingServer({ config: testConfig(), closeTimeoutMs: 200 })
    const { url } = await server.start()
    // In flight once the server has its headers: its body, and so its answer, never come.
    const arrived = new Promise<void>((resolve) =>
      server.app?.server.once('request', () => resolve()),
    )
    const stalled = stalledRequest(url)
    await arrived
    await server.stop()
    expect(await stalled.failed).toBeInstanceOf(Error)
  })
})
