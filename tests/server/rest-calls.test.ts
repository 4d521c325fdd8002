import { describe, expect, it } from 'vitest'
import type { Call, ErrorBody, HistoryResponse } from 'veracall-signaling/protocol'
import { startServer } from './helper.js'

type CallAnswer = { call: Call } & ErrorBody

describe('calls API', async () => {
  const t = await startServer({ ringTimeoutS: 1 })
  const post = (path: string, body: unknown, token?: string) =>
    t.request<CallAnswer>('POST', `/api/v1/calls/${path}`, body, token)

  it('starts a call only with a valid body, to someone else who exists', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()])
    const cases: [unknown, number, string][] = [
      [{ callee_id: a.user.id, call_type: 'video' }, 400, 'invalid_input'],
      [{ callee_id: 'not-a-uuid', call_type: 'video' }, 400, 'invalid_input'],
      [{ callee_id: b.user.id, call_type: 'fax' }, 400, 'invalid_input'],
      [{ callee_id: b.user.id, call_type: 'video', extra: 1 }, 400, 'invalid_input'],
      [{ callee_id: '00000000-0000-4000-8000-000000000000', call_type: 'audio' }, 404, 'not_found'],
    ]
    for (const [body, status, code] of cases) {
      const answer = await post('start', body, a.token)
      expect(answer.status, JSON.stringify(body)).toBe(status)
      expect(answer.body.error.code).toBe(code)
    }
    expect((await post('start', { callee_id: b.user.id, call_type: 'video' })).status).toBe(401)
    expect(
      (await t.request<{ calls: Call[] }>('GET', '/api/v1/calls/active', undefined, a.token)).body
        .calls,
    ).toEqual([])
  })

  it('walks waiting → in_progress → ended, for participants only', async () => {
    const [a, b, stranger] = await Promise.all([t.register(), t.register(), t.register()])
    const call = await t.startCall(a, b, 'audio')
    expect(call).toMatchObject({
      status: 'waiting',
      call_type: 'audio',
      caller: { id: a.user.id },
      callee: { id: b.user.id },
    })
    expect(call.room_id).toMatch(/^[A-Za-z0-9_-]{8,64}$/)

    // Busy: neither side can be in two calls.
    const busy = await post('start', { callee_id: b.user.id, call_type: 'video' }, stranger.token)
    expect(busy.status).toBe(409)
    expect(busy.body.error.code).toBe('busy')

    expect((await post('accept', { call_id: call.id }, a.token)).status).toBe(403) // caller can't accept
    expect((await post('accept', { call_id: call.id }, stranger.token)).status).toBe(403)
    expect((await post('accept', { call_id: 999_999 }, b.token)).status).toBe(404)
    expect((await post('accept', { call_id: 'one' }, b.token)).status).toBe(400)

    const active = await t.request<{ calls: Call[] }>(
      'GET',
      '/api/v1/calls/active',
      undefined,
      b.token,
    )
    expect(active.body.calls.map((c) => c.id)).toEqual([call.id])

    const accepted = await post('accept', { call_id: call.id }, b.token)
    expect(accepted.status).toBe(200)
    expect(accepted.body.call).toMatchObject({
      status: 'in_progress',
      answered_at: expect.any(String),
    })
    expect((await post('accept', { call_id: call.id }, b.token)).status).toBe(409)
    expect((await post('decline', { call_id: call.id }, b.token)).status).toBe(409)

    expect((await post('end', { call_id: call.id }, stranger.token)).status).toBe(403)
    const ended = await post('end', { call_id: call.id }, b.token)
    expect(ended.status).toBe(200)
    expect(ended.body.call).toMatchObject({
      status: 'ended',
      end_reason: 'completed',
      duration_s: expect.any(Number),
      ended_at: expect.any(String),
    })
    const again = await post('end', { call_id: call.id }, a.token)
    expect(again.status).toBe(200)
    expect(again.body.call).toEqual(ended.body.call) // unchanged
    expect(
      (await t.request<{ calls: Call[] }>('GET', '/api/v1/calls/active', undefined, a.token)).body
        .calls,
    ).toEqual([])
  })

  it('declines (callee only) and cancels (caller hangs up while ringing)', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()])
    const first = await t.startCall(a, b)
    expect((await post('decline', { call_id: first.id }, a.token)).status).toBe(403)
    const declined = await post('decline', { call_id: first.id }, b.token)
    expect(declined.body.call).toMatchObject({ status: 'ended', end_reason: 'declined' })
    expect(declined.body.call.duration_s).toBeUndefined()

    const second = await t.startCall(a, b)
    const cancelled = await post('end', { call_id: second.id }, a.token)
    expect(cancelled.body.call).toMatchObject({ status: 'ended', end_reason: 'cancelled' })
  })

  it('ends an unanswered call as missed after RING_TIMEOUT_S', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()])
    const call = await t.startCall(a, b)
    let status = call.status
    let reason: string | undefined
    for (let i = 0; i < 50 && status !== 'ended'; i++) {
      await new Promise((r) => setTimeout(r, 100))
      const { body } = await t.request<HistoryResponse>(
        'GET',
        '/api/v1/calls/history',
        undefined,
        a.token,
      )
      status = body.calls[0]?.status ?? status
      reason = body.calls[0]?.end_reason
    }
    expect(status).toBe('ended')
    expect(reason).toBe('missed')
    // A missed call can't be accepted any more.
    expect((await post('accept', { call_id: call.id }, b.token)).status).toBe(409)
  })

  it('pages history newest first, with stats computed over all of it', async () => {
    const [a, b, c] = await Promise.all([t.register(), t.register(), t.register()])
    const made: Call[] = []
    for (let i = 0; i < 7; i++) {
      const callee = i % 2 === 0 ? b : c
      const call = await t.startCall(a, callee)
      if (i < 4) {
        await post('accept', { call_id: call.id }, callee.token)
        await post('end', { call_id: call.id }, a.token)
      } else if (i < 6) {
        await post('decline', { call_id: call.id }, callee.token)
      } else {
        await post('end', { call_id: call.id }, a.token)
      }
      made.push(call)
    }
    const page1 = await t.request<HistoryResponse>(
      'GET',
      '/api/v1/calls/history?page=1&limit=3',
      undefined,
      a.token,
    )
    const page3 = await t.request<HistoryResponse>(
      'GET',
      '/api/v1/calls/history?page=3&limit=3',
      undefined,
      a.token,
    )
    expect(page1.status).toBe(200)
    expect(page1.body).toMatchObject({ page: 1, limit: 3, total: 7 })
    expect(page1.body.calls.map((x) => x.id)).toEqual(
      made
        .slice(-3)
        .reverse()
        .map((x) => x.id),
    )
    expect(page3.body.calls.map((x) => x.id)).toEqual([made[0]?.id])
    expect(page1.body.stats).toMatchObject({ total_calls: 7, completed: 4, declined: 2, missed: 0 })
    expect(page1.body.stats.total_duration_s).toBeGreaterThanOrEqual(0)
    const forB = await t.request<HistoryResponse>(
      'GET',
      '/api/v1/calls/history',
      undefined,
      b.token,
    )
    expect(forB.body).toMatchObject({ page: 1, limit: 10, total: 4 })
    for (const query of ['limit=101', 'limit=0', 'page=0', 'page=x', 'sort=asc']) {
      const bad = await t.request<ErrorBody>(
        'GET',
        `/api/v1/calls/history?${query}`,
        undefined,
        a.token,
      )
      expect(bad.status, query).toBe(400)
      expect(bad.body.error.code).toBe('invalid_input')
    }
  })
})
