import { randomBytes } from 'node:crypto'
import type { AuthResponse, Call } from 'veracall-signaling/protocol'

export const BENCH_PASSWORD = 'bench password 1234'

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once. */
export async function pool<T>(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++
      results[i] = await task(i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  return results
}

/** 503s answered by the server's load shedding (@fastify/under-pressure) during setup, retried. */
export const shed = { retries: 0 }
const SHED_RETRY_MS = 250
const MAX_SHED_RETRIES = 200

export async function api<T>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: T }> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(token && { authorization: `Bearer ${token}` }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    })
    const parsed = (await response.json()) as T
    if (response.status !== 503 || attempt >= MAX_SHED_RETRIES)
      return { status: response.status, body: parsed }
    // Setup is not measured: back off as a client honouring the 503 would, and try again.
    shed.retries++
    await new Promise((resolve) => setTimeout(resolve, SHED_RETRY_MS))
  }
}

async function expectStatus<T>(
  what: string,
  expected: number,
  pending: Promise<{ status: number; body: T }>,
): Promise<T> {
  const { status, body } = await pending
  if (status !== expected) throw new Error(`${what}: HTTP ${status} ${JSON.stringify(body)}`)
  return body
}

const runId = randomBytes(3).toString('hex')

/** Registers `count` fresh users through the REST API. */
export function registerUsers(
  baseUrl: string,
  count: number,
  prefix: string,
): Promise<AuthResponse[]> {
  return pool(count, 16, (i) =>
    expectStatus(
      'register',
      201,
      api<AuthResponse>(baseUrl, 'POST', '/api/v1/auth/register', {
        username: `${prefix}_${runId}_${i}`,
        password: BENCH_PASSWORD,
      }),
    ),
  )
}

export interface Room {
  roomId: string
  callId: number
  /** Caller's and callee's tokens. */
  tokens: [string, string]
}

/** Pairs users (0,1), (2,3)…: the first starts a call, the second accepts it, as a real client would. */
export function startCalls(baseUrl: string, users: AuthResponse[]): Promise<Room[]> {
  return pool(Math.floor(users.length / 2), 16, async (i) => {
    const caller = users[2 * i] as AuthResponse
    const callee = users[2 * i + 1] as AuthResponse
    const { call } = await expectStatus(
      'calls/start',
      201,
      api<{ call: Call }>(
        baseUrl,
        'POST',
        '/api/v1/calls/start',
        { callee_id: callee.user.id, call_type: 'video' },
        caller.token,
      ),
    )
    await expectStatus(
      'calls/accept',
      200,
      api<{ call: Call }>(
        baseUrl,
        'POST',
        '/api/v1/calls/accept',
        { call_id: call.id },
        callee.token,
      ),
    )
    return { roomId: call.room_id, callId: call.id, tokens: [caller.token, callee.token] }
  })
}

/** Rooms for the bare relay: no accounts, just ids. */
export const bareRooms = (count: number): Room[] =>
  Array.from({ length: count }, (_, i) => ({
    roomId: `bare-room-${runId}-${i}`,
    callId: i + 1,
    tokens: ['none', 'none'],
  }))
