import autocannon from 'autocannon'
import type { AuthResponse, Call } from 'veracall-signaling/protocol'
import { api } from './rest-setup.js'

export interface HttpResult {
  requestsPerSecond: number
  latencyMs: { p50: number; p99: number }
  requests: number
  /** Answers that were not 2xx, and connection errors: both must be 0 for a fair figure. */
  non2xx: number
  /** Of which 503s: the server shedding load (@fastify/under-pressure, event loop ≥ 98 % busy). */
  shed503: number
  errors: number
}

type Options = autocannon.Options

async function run(options: Options): Promise<HttpResult> {
  const result = await autocannon({ connections: 32, pipelining: 1, ...options })
  return {
    // Only answered work counts: a 503 from load shedding is cheap and would flatter the rate.
    requestsPerSecond: result['2xx'] / result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
    requests: result.requests.total,
    non2xx: result.non2xx,
    shed503: result.statusCodeStats?.['503']?.count ?? 0,
    errors: result.errors,
  }
}

/** A short untimed run first (JIT, connection pools), then the measured one. */
export async function measure(options: Options, warmupS: number, durationS: number) {
  await run({ ...options, duration: warmupS })
  return run({ ...options, duration: durationS })
}

export const helloRoute = (url: string, warmupS: number, durationS: number) =>
  measure({ url: `${url}/hello` }, warmupS, durationS)

export const usersMe = (url: string, token: string, warmupS: number, durationS: number) =>
  measure(
    { url: `${url}/api/v1/users/me`, headers: { authorization: `Bearer ${token}` } },
    warmupS,
    durationS,
  )

/**
 * calls/start needs a free caller and callee, so each connection owns one user pair and alternates
 * start → end. Both requests are counted; the result is the request rate of that mix.
 */
export function startEndCycle(
  url: string,
  pairs: [AuthResponse, AuthResponse][],
  warmupS: number,
  durationS: number,
) {
  let next = 0
  const setupClient = (client: autocannon.Client): void => {
    const [caller, callee] = pairs[next++ % pairs.length] as [AuthResponse, AuthResponse]
    const headers = { authorization: `Bearer ${caller.token}`, 'content-type': 'application/json' }
    client.setRequests([
      {
        method: 'POST',
        path: '/api/v1/calls/start',
        headers,
        body: JSON.stringify({ callee_id: callee.user.id, call_type: 'audio' }),
        onResponse: (status, body, context) => {
          if (status === 201)
            (context as { callId?: number }).callId = (
              JSON.parse(body) as { call: { id: number } }
            ).call.id
        },
      },
      {
        method: 'POST',
        path: '/api/v1/calls/end',
        headers,
        setupRequest: (request, context) => ({
          ...request,
          body: JSON.stringify({ call_id: (context as { callId?: number }).callId ?? 1 }),
        }),
      },
    ])
  }
  // One connection per pair: two connections sharing a pair would see 409 busy.
  const options: Options = { url, connections: pairs.length, setupClient }
  return async () => {
    next = 0
    await run({ ...options, duration: warmupS })
    // A run can stop between a start and its end: free every pair before the measured run.
    await endActiveCalls(url, pairs)
    next = 0
    return run({ ...options, duration: durationS })
  }
}

async function endActiveCalls(url: string, pairs: [AuthResponse, AuthResponse][]): Promise<void> {
  for (const [caller] of pairs) {
    const { body } = await api<{ calls: Call[] }>(
      url,
      'GET',
      '/api/v1/calls/active',
      undefined,
      caller.token,
    )
    for (const call of body.calls)
      await api(url, 'POST', '/api/v1/calls/end', { call_id: call.id }, caller.token)
  }
}
