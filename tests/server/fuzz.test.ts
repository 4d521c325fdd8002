import { join } from 'node:path'
import fc from 'fast-check'
import Value from 'typebox/value'
import { describe, expect, it } from 'vitest'
import {
  ClientData,
  CLIENT_MESSAGE_TYPES,
  Envelope,
  ERROR_CODES,
  ErrorBody,
  type AuthResponse,
  type Call,
  type ClientMessageType,
} from 'veracall-signaling/protocol'
import { DEFAULTS } from 'veracall-signaling'
import { envelope, spawnFixture, tempDir, TEST_SECRET, TestSocket, uniqueName } from './helper.js'

// Bounded property-based fuzzing (W10, and "never a 5xx" for REST). Fixed seed so that a run is
// reproducible; FUZZ_SEED=<n> explores another corner, and a failure prints its seed and path.
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611)
const RUNS = 200
const params = { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 8_000 }

type Msg = Record<string, unknown>

const POST_ROUTES = [
  '/api/v1/auth/register',
  '/api/v1/auth/login',
  '/api/v1/calls/start',
  '/api/v1/calls/accept',
  '/api/v1/calls/decline',
  '/api/v1/calls/end',
  '/api/v1/calls/invite',
]
const GET_ROUTES = [
  '/health',
  '/api/v1/users/me',
  '/api/v1/users',
  '/api/v1/calls/active',
  '/api/v1/calls/history',
  '/api/v1/turn-credentials',
  '/metrics',
]

// The server runs in a process of its own: fast-check and the clients here would otherwise share
// its event loop and trip its load shedding (503), which is not what this test is about.
const server = spawnFixture('serve.ts', {
  JWT_SECRET: TEST_SECRET,
  DB_PATH: join(tempDir(), 'fuzz.db'),
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'warn',
  SCRYPT_LOG2_N: '10',
  RATE_LIMIT_PER_MIN: '1000000',
  RATE_LIMIT_AUTH_PER_MIN: '1000000',
  RATE_LIMIT_CALLS_PER_MIN: '1000000',
  // The message budget is tested elsewhere: here every frame must reach the parser.
  VERACALL_TEST_CONFIG: JSON.stringify({
    ws: { ...DEFAULTS.ws, messagesPerSecond: 1_000_000, messageBurst: 1_000_000 },
  }),
})
const { url } = (await server.line((l) => typeof l.url === 'string')) as { url: string }
const wsUrl = url.replace(/^http/, 'ws')

async function api<T>(
  method: string,
  path: string,
  body?: object,
  token?: string,
): Promise<{ status: number; body: T }> {
  const response = await fetch(url + path, {
    method,
    headers: {
      ...(body && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
    },
    ...(body && { body: JSON.stringify(body) }),
  })
  return { status: response.status, body: (await response.json()) as T }
}

async function register(): Promise<AuthResponse> {
  const { status, body } = await api<AuthResponse>('POST', '/api/v1/auth/register', {
    username: uniqueName('fuzz'),
    password: 'correct horse battery',
  })
  if (status !== 201) throw new Error(`register: ${status}`)
  return body
}

const alice = await register()
const bob = await register()

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
})
const scalar = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(alice.user.id, bob.user.id, 'audio', 'video', 1, 0, -1, 2 ** 53),
)
const plausibleBody = fc.dictionary(
  fc.constantFrom(
    'username',
    'password',
    'display_name',
    'callee_id',
    'call_type',
    'call_id',
    '__proto__',
    'constructor',
    'extra',
  ),
  fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string(), scalar)),
)
const body = fc.oneof(
  plausibleBody.map((b) => JSON.stringify(b)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constant(undefined),
)
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  undefined,
)
const authorization = fc.oneof(
  fc.constant(undefined),
  fc.constant(`Bearer ${alice.token}`),
  fc.constant(`Bearer ${bob.token}`),
  printable.map((s) => `Bearer ${s}`),
  printable,
)
const query = fc.oneof(
  fc
    .dictionary(
      fc.constantFrom('page', 'limit', 'query', 'token', 'x', 'page[]', '__proto__'),
      fc.oneof(printable, fc.integer().map(String), fc.double().map(String)),
    )
    .map((q) => new URLSearchParams(q).toString()),
  printable.map((s) => encodeURI(s)).filter((s) => !s.includes('#')),
  fc.constant(''),
)

async function send(
  method: string,
  path: string,
  payload: string | undefined,
  headers: Record<string, string | undefined>,
): Promise<{ status: number; text: string }> {
  const response = await fetch(url + path, {
    method,
    headers: Object.fromEntries(
      Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined),
    ),
    ...(payload !== undefined && { body: payload }),
  })
  return { status: response.status, text: await response.text() }
}

function expectWellFormed(answer: { status: number; text: string }, label: string): void {
  expect(answer.status, label).toBeLessThan(500)
  if (answer.status >= 200 && answer.status < 300) return
  let parsed: unknown
  try {
    parsed = JSON.parse(answer.text)
  } catch {
    throw new Error(`${label}: ${answer.status} body is not JSON: ${answer.text.slice(0, 200)}`)
  }
  expect(Value.Check(ErrorBody, parsed), `${label}: ${answer.text.slice(0, 300)}`).toBe(true)
}

describe('REST fuzz', () => {
  it('answers random bodies to every POST route without a 5xx, errors in the envelope', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...POST_ROUTES),
        body,
        contentType,
        authorization,
        async (route, payload, type, auth) => {
          const answer = await send('POST', route, payload, {
            'content-type': type,
            authorization: auth,
          })
          expectWellFormed(answer, `POST ${route} ${type} ${payload}`)
        },
      ),
      params,
    )
  })

  it('answers random queries to every GET route without a 5xx, errors in the envelope', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...GET_ROUTES),
        query,
        authorization,
        async (route, q, auth) => {
          const path = q === '' ? route : `${route}?${q}`
          const answer = await send('GET', path, undefined, { authorization: auth })
          expectWellFormed(answer, `GET ${path}`)
        },
      ),
      params,
    )
  })

  it('answers random methods and paths without a 5xx, errors in the envelope', async () => {
    const segment = fc.oneof(
      fc.constantFrom(
        'api',
        'v1',
        'calls',
        'users',
        'auth',
        'ws',
        'call',
        'events',
        '..',
        '%2e',
        '',
      ),
      printable.map((s) => encodeURIComponent(s)),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
        fc.array(segment, { minLength: 1, maxLength: 5 }),
        body,
        authorization,
        async (method, segments, payload, auth) => {
          const path = `/${segments.join('/')}`
          const answer = await send(method, path, method === 'GET' ? undefined : payload, {
            'content-type': 'application/json',
            authorization: auth,
          })
          // OPTIONS preflights answer 204 and without CORS_ORIGINS nothing else is special.
          expectWellFormed(answer, `${method} ${path}`)
        },
      ),
      params,
    )
  })
})

describe('WebSocket fuzz (W10)', () => {
  it('answers random frames with errors or relays, and the room keeps working', async () => {
    const started = await api<{ call: Call }>(
      'POST',
      '/api/v1/calls/start',
      { callee_id: bob.user.id, call_type: 'video' },
      alice.token,
    )
    const call = started.body.call
    const roomId = call.room_id
    const a = new TestSocket(`${wsUrl}/ws/call/${roomId}?token=${alice.token}`)
    const b = new TestSocket(`${wsUrl}/ws/call/${roomId}?token=${bob.token}`)
    await Promise.all([a.opened, b.opened])
    a.send(envelope('join', roomId))
    b.send(envelope('join', roomId))
    await Promise.all([a.ofType('peer_joined'), b.ofType('peer_joined')])

    const validData: { [K in ClientMessageType]: fc.Arbitrary<unknown> } = {
      join: fc.constant({}),
      leave: fc.constant({}),
      offer: fc.record({ type: fc.constant('offer'), sdp: fc.string() }, { requiredKeys: ['sdp'] }),
      answer: fc.record(
        { type: fc.constant('answer'), sdp: fc.string() },
        { requiredKeys: ['sdp'] },
      ),
      ice_candidate: fc.record(
        {
          candidate: fc.string(),
          sdpMid: fc.option(fc.string({ maxLength: 64 })),
          sdpMLineIndex: fc.option(fc.integer({ min: -2, max: 300 })),
          usernameFragment: fc.option(fc.string()),
        },
        { requiredKeys: ['candidate'] },
      ),
      challenge: fc.record({
        id: fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/),
        kind: fc.constantFrom('turn_head', 'pass_hand'),
        duration_ms: fc.integer({ min: 3000, max: 15_000 }),
      }),
      media_state: fc.record({ audio: fc.boolean(), video: fc.boolean() }),
      recording: fc.record({ state: fc.constantFrom('started', 'stopped') }),
    }
    const type = fc.oneof(
      fc.constantFrom(...CLIENT_MESSAGE_TYPES),
      fc.constantFrom('error', 'peer_joined', 'incoming_call', '__proto__', ''),
      fc.string({ maxLength: 40 }),
    )
    const randomEnvelope = fc
      .record(
        {
          type,
          call_id: fc.oneof(fc.constant(roomId), fc.string({ maxLength: 70 }), fc.integer()),
          user_id: fc.oneof(fc.constant(bob.user.id), fc.string(), fc.integer()),
          timestamp: fc.oneof(fc.nat(), fc.double(), fc.string()),
          extra: fc.jsonValue(),
        },
        { requiredKeys: ['type', 'call_id'] },
      )
      .chain((e) =>
        (typeof e.type === 'string' && Object.hasOwn(validData, e.type)
          ? fc.oneof(validData[e.type as ClientMessageType], fc.jsonValue())
          : fc.jsonValue()
        ).map((data) => ({ ...e, data })),
      )
    const frame = fc.oneof(
      { weight: 4, arbitrary: randomEnvelope.map((e) => JSON.stringify(e)) },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    )

    const isRelayed = (type: string): boolean => !['join', 'leave'].includes(type)
    let joined = true
    const expectedAtBob: { type: string; data?: unknown }[] = []
    let sentinel = 0

    await fc.assert(
      fc.asyncProperty(frame, async (raw) => {
        a.socket.send(raw)
        // Model what the server must do with it, from the contract's schemas.
        let parsed: unknown
        let valid = false
        if (typeof raw === 'string') {
          try {
            parsed = JSON.parse(raw)
          } catch {
            parsed = undefined
          }
          const message = parsed as Msg
          valid =
            Value.Check(Envelope, parsed) &&
            (CLIENT_MESSAGE_TYPES as readonly string[]).includes(message.type as string) &&
            Value.Check(ClientData[message.type as ClientMessageType], message.data) &&
            message.call_id === roomId
        }
        const message = parsed as Msg
        const type = message?.type as string
        // What Alice must get back: an error for anything invalid or for signaling outside the
        // room, Bob's presence for a join, and nothing for a leave or a relay.
        const expectedAnswers = !valid
          ? ['error']
          : type === 'join'
            ? ['peer_joined']
            : type === 'leave' || joined
              ? []
              : ['error']
        if (valid && type === 'join' && !joined) {
          joined = true
          expectedAtBob.push({ type: 'peer_joined' })
        } else if (valid && type === 'leave' && joined) {
          joined = false
          expectedAtBob.push({ type: 'peer_left' })
        } else if (valid && joined && isRelayed(type)) {
          expectedAtBob.push({ type, data: message.data })
        }

        // A marker whose error comes back after every answer to the frame above.
        const marker = `sentinel_${++sentinel}`
        a.send(envelope(marker, roomId))
        const answers: Msg[] = []
        for (;;) {
          const next = await a.next(() => true)
          if ((next.data as { message?: string }).message?.includes(marker)) break
          answers.push(next)
        }
        expect(answers.map((m) => m.type)).toEqual(expectedAnswers)
        for (const answer of answers) {
          if (answer.type === 'error') {
            const { code } = answer.data as { code: string }
            expect(ERROR_CODES).toContain(code)
            if (valid) expect(code).toBe('not_in_room')
          } else {
            expect(answer).toMatchObject({ call_id: roomId, user_id: bob.user.id })
          }
        }
        expect(a.socket.readyState).toBe(a.socket.OPEN)
      }),
      params,
    )

    // Back to a known state, then a normal relay, which also flushes everything before it to Bob.
    a.send(envelope('join', roomId))
    if (!joined) expectedAtBob.push({ type: 'peer_joined' })
    a.send(envelope('offer', roomId, { type: 'offer', sdp: 'after the fuzz' }))
    expectedAtBob.push({ type: 'offer', data: { type: 'offer', sdp: 'after the fuzz' } })
    const last = await b.next((m) => (m.data as { sdp?: string }).sdp === 'after the fuzz')
    const atBob = [...b.messages.splice(0), last]
    expect(atBob.map((m) => m.type)).toEqual(expectedAtBob.map((m) => m.type))
    atBob.forEach((m, i) => {
      expect(m.user_id).toBe(alice.user.id)
      expect(m.call_id).toBe(roomId)
      const expected = expectedAtBob[i]
      if (expected?.data !== undefined) expect(m.data).toEqual(expected.data)
    })
    expect(b.socket.readyState).toBe(b.socket.OPEN)
    a.close()
    b.close()
  })

  it('answers every frame on /ws/events with unknown_type and stays open', async () => {
    const events = new TestSocket(`${wsUrl}/ws/events?token=${alice.token}`)
    await events.opened
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        async (raw) => {
          events.send(raw)
          const answer = await events.ofType('error')
          expect(answer.data).toMatchObject({ code: 'unknown_type' })
        },
      ),
      { ...params, numRuns: 100 },
    )
    expect(events.socket.readyState).toBe(events.socket.OPEN)
    events.close()
  })

  it('still serves REST, logged no error, and shuts down cleanly after all of it', async () => {
    expect((await api('GET', '/health')).status).toBe(200)
    const carol = await register()
    const me = await api<{ user: { id: string } }>(
      'GET',
      '/api/v1/users/me',
      undefined,
      carol.token,
    )
    expect(me.body.user.id).toBe(carol.user.id)
    const errors = server.lines.filter((line) => typeof line.level === 'number' && line.level >= 50)
    expect(errors).toEqual([])
    server.child.kill('SIGTERM')
    expect(await server.exited).toEqual({ code: 0, signal: null })
  })
})
