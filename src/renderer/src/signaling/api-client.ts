import Value from 'typebox/value'
import type { TSchema } from 'typebox'
import type Type from 'typebox'
import {
  AuthResponse,
  CallListResponse,
  CallResponse,
  ErrorBody,
  type HealthResponse,
  HistoryResponse,
  MeResponse,
  ROUTES,
  TurnCredentialsResponse,
  UserListResponse,
  type Call,
  type CallType,
  type HistoryResponse as History,
  type RegisterBody,
  type User,
} from 'veracall-signaling/protocol'
import { ApiError } from './api-error.js'
import { probeServer } from './server-probe.js'

export { ApiError, type ClientErrorCode } from './api-error.js'

// `http:/host`, `https//host`, `http:host`: a scheme typed wrong would otherwise become a host name.
const MISTYPED_SCHEME = /^https?(:\/?(?!\/)|\/\/)/i

/**
 * Normalises what a person typed into an origin (`https://host:port`), or throws `invalid_url`
 * for anything that is not one: a mistyped scheme, spaces, a user name or password, no host.
 */
export function normaliseServerUrl(input: string): string {
  const trimmed = input.trim()
  if (trimmed === '' || /\s/.test(trimmed) || MISTYPED_SCHEME.test(trimmed))
    throw new ApiError('invalid_url', 'Not a valid address')
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new ApiError('invalid_url', 'Not a valid address')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ApiError('invalid_url', 'Only http and https addresses are supported')
  }
  if (url.hostname === '' || url.username !== '' || url.password !== '')
    throw new ApiError('invalid_url', 'Not a valid address')
  return url.origin
}

export interface ApiClientOptions {
  baseUrl: string
  getToken: () => string | null
  fetch?: typeof fetch
  /** Waits before a retry (injectable so tests need no timers). */
  sleep?: (ms: number) => Promise<void>
}

/**
 * A 503 (the server shedding load, or a node draining) is retried for requests that are safe to
 * repeat: a lost `calls/end` would leave the others in the call with this person's tile. Waits
 * the answer's Retry-After, capped so a hang-up never waits long.
 */
export const UNAVAILABLE_RETRIES = 2
export const MAX_RETRY_WAIT_MS = 5_000
const DEFAULT_RETRY_WAIT_MS = 1_000

/** Retry-After in ms (delta-seconds only, as the server sends it), capped; a default otherwise. */
export function retryWaitMs(header: string | null): number {
  const seconds = header !== null && /^\d+$/.test(header.trim()) ? Number(header) : NaN
  return Number.isFinite(seconds)
    ? Math.min(seconds * 1000, MAX_RETRY_WAIT_MS)
    : DEFAULT_RETRY_WAIT_MS
}

interface RequestOptions {
  /** Sends the bearer token (all but register and login). */
  auth?: boolean
  /** Retried after a 503 (GETs by default). */
  idempotent?: boolean
}
const SAFE_TO_REPEAT: RequestOptions = { idempotent: true }

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The REST half of the wire contract, typed and checked against the server's own schemas. */
export class ApiClient {
  readonly baseUrl: string
  private readonly getToken: () => string | null
  private readonly fetchImpl: typeof fetch
  private readonly sleep: (ms: number) => Promise<void>

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.getToken = options.getToken
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis)
    this.sleep = options.sleep ?? sleepFor
  }

  /** Confirms that the URL answers and is a Veracall signaling server (see server-probe.ts). */
  probe(): Promise<Type.Static<typeof HealthResponse>> {
    return probeServer(this.baseUrl, this.fetchImpl)
  }

  register(body: RegisterBody): Promise<AuthResponse> {
    return this.request('POST', ROUTES.register, AuthResponse, body, { auth: false })
  }
  login(username: string, password: string): Promise<AuthResponse> {
    return this.request('POST', ROUTES.login, AuthResponse, { username, password }, { auth: false })
  }
  async me(): Promise<User> {
    return (await this.request('GET', ROUTES.me, MeResponse)).user
  }
  async searchUsers(query: string): Promise<User[]> {
    const qs = new URLSearchParams({ query })
    return (await this.request('GET', `${ROUTES.users}?${qs}`, UserListResponse)).users
  }
  async startCall(calleeId: string, callType: CallType): Promise<Call> {
    const body = { callee_id: calleeId, call_type: callType }
    return (await this.request('POST', ROUTES.startCall, CallResponse, body)).call
  }
  /** A group call: 1 to MAX_CALL_PARTICIPANTS - 1 people ring at once. */
  async startGroupCall(calleeIds: string[], callType: CallType): Promise<Call> {
    const body = { callee_ids: calleeIds, call_type: callType }
    return (await this.request('POST', ROUTES.startCall, CallResponse, body)).call
  }
  /** Rings one more person into a call in progress (409 `call_full`, `busy`, `conflict`). */
  async inviteToCall(callId: number, userId: string): Promise<Call> {
    const body = { call_id: callId, user_id: userId }
    return (await this.request('POST', ROUTES.inviteToCall, CallResponse, body)).call
  }
  async acceptCall(callId: number): Promise<Call> {
    return (await this.request('POST', ROUTES.acceptCall, CallResponse, { call_id: callId })).call
  }
  /** Retried on 503: a shed request never reached its handler, and a second end is a no-op. */
  async declineCall(callId: number): Promise<Call> {
    const body = { call_id: callId }
    return (await this.request('POST', ROUTES.declineCall, CallResponse, body, SAFE_TO_REPEAT)).call
  }
  async endCall(callId: number): Promise<Call> {
    const body = { call_id: callId }
    return (await this.request('POST', ROUTES.endCall, CallResponse, body, SAFE_TO_REPEAT)).call
  }
  async activeCalls(): Promise<Call[]> {
    return (await this.request('GET', ROUTES.activeCalls, CallListResponse)).calls
  }
  /** A short-lived TURN credential for one call (404 `not_found`: the server has no TURN). */
  turnCredentials(): Promise<TurnCredentialsResponse> {
    return this.request('GET', ROUTES.turnCredentials, TurnCredentialsResponse)
  }
  history(page: number, limit: number): Promise<History> {
    const qs = new URLSearchParams({ page: String(page), limit: String(limit) })
    return this.request('GET', `${ROUTES.history}?${qs}`, HistoryResponse)
  }

  private async request<S extends TSchema>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    body?: unknown,
    { auth = true, idempotent = method === 'GET' }: RequestOptions = {},
  ): Promise<Type.Static<S>> {
    for (let retry = 0; ; retry++) {
      const res = await this.send(method, path, body, auth)
      if (res.status === 503 && idempotent && retry < UNAVAILABLE_RETRIES) {
        await res.body?.cancel()
        await this.sleep(retryWaitMs(res.headers.get('retry-after')))
        continue
      }
      return this.read(res, path, schema)
    }
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    auth: boolean,
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const token = auth ? this.getToken() : null
    if (token) headers.authorization = `Bearer ${token}`
    let res: Response
    try {
      res = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch {
      throw new ApiError('unreachable', `Cannot reach ${this.baseUrl}`)
    }
    return res
  }

  private async read<S extends TSchema>(
    res: Response,
    path: string,
    schema: S,
  ): Promise<Type.Static<S>> {
    const json: unknown = await res.json().catch(() => null)
    if (!res.ok) {
      if (Value.Check(ErrorBody, json)) {
        throw new ApiError(json.error.code, json.error.message, res.status)
      }
      throw new ApiError('bad_response', `Unexpected response (${res.status})`, res.status)
    }
    if (!Value.Check(schema, json)) {
      throw new ApiError('bad_response', `Unexpected response from ${path}`, res.status)
    }
    return json as Type.Static<S>
  }
}
