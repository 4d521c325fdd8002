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

export async function run(options: Options): Promise<HttpResult> {
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

/** Autocannon options for a bare Fastify hello route. */
export const helloRoute = (url: string): Options => ({ url: `${url}/hello` })

/** Autocannon options for the authenticated `GET /api/v1/users/me`. */
export const usersMe = (url: string, token: string): Options => ({
  url: `${url}/api/v1/users/me`,
  headers: { authorization: `Bearer ${token}` },
})

/**
 * calls/start needs a free caller and callee, so each connection owns one user pair and alternates
 * start → end. Both requests are counted; the result is the request rate of that mix. `prepare`
 * frees every pair (a run can stop between a start and its end); call it before each run.
 */
export function startEndCycle(
  url: string,
  pairs: [AuthResponse, AuthResponse][],
): { options: () => Options; prepare: () => Promise<void> } {
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
  return {
    // One connection per pair: two connections sharing a pair would see 409 busy.
    options: () => {
      next = 0
      return { url, connections: pairs.length, setupClient }
    },
    prepare: () => endActiveCalls(url, pairs),
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
