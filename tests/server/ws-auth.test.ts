import { describe, expect, it } from 'vitest'
import type { Call } from 'veracall-signaling/protocol'
import {
  envelope,
  signTestToken,
  startServer,
  TestSocket,
  tryUpgrade,
  unsignedToken,
  type UpgradeOutcome,
} from './helper.js'

const APP_ORIGIN = 'https://app.veracall.example'

function expectRefused(outcome: UpgradeOutcome, status: number): void {
  if (outcome.upgraded) {
    outcome.socket.terminate()
    throw new Error(`expected HTTP ${status}, but the socket was upgraded`)
  }
  expect(outcome.status).toBe(status)
  expect(JSON.parse(outcome.body)).toEqual({
    error: { code: expect.any(String), message: expect.any(String) },
  })
}

function expectUpgraded(outcome: UpgradeOutcome): void {
  if (!outcome.upgraded) throw new Error(`expected an upgrade, got HTTP ${outcome.status}`)
  outcome.socket.close()
}

// W1, W3, W11, W12, D1 (on sockets) and W2: who may open which socket.
describe('WebSocket authentication and authorisation', async () => {
  const t = await startServer({}, { CORS_ORIGINS: APP_ORIGIN })
  const alice = await t.register()
  const bob = await t.register()
  const eve = await t.register()
  const call = await t.startCall(alice, bob)
  const now = Math.floor(Date.now() / 1000)

  const badTokens: [string, () => Promise<string>][] = [
    ['garbage', async () => 'not.a.jwt'],
    ['expired', () => signTestToken(alice.user.id, { exp: now - 60 })],
    ['HS512', () => signTestToken(alice.user.id, { alg: 'HS512' })],
    ['alg none', async () => unsignedToken(alice.user.id)],
    ['wrong issuer', () => signTestToken(alice.user.id, { issuer: 'someone-else' })],
    ['wrong audience', () => signTestToken(alice.user.id, { audience: 'another-app' })],
    ['missing exp', () => signTestToken(alice.user.id, { exp: null })],
    ['wrong secret', () => signTestToken(alice.user.id, { secret: 'x'.repeat(48) })],
    [
      'unknown user',
      () => signTestToken('00000000-0000-4000-8000-000000000000', { exp: now + 600 }),
    ],
  ]

  const paths = (): [string, string][] => [
    ['events', '/ws/events'],
    ['call room', `/ws/call/${call.room_id}`],
  ]

  it.each(paths())('refuses the %s socket without a token with HTTP 401', async (_name, path) => {
    expectRefused(await tryUpgrade(t.wsUrl + path), 401)
    expectRefused(await tryUpgrade(t.wsUrl + path, { protocols: ['veracall.v1'] }), 401)
  })

  it.each(badTokens)(
    'refuses a %s token before the upgrade, by query and by subprotocol',
    async (_name, make) => {
      const token = await make()
      for (const [, path] of paths()) {
        expectRefused(await tryUpgrade(`${t.wsUrl}${path}?token=${encodeURIComponent(token)}`), 401)
        expectRefused(
          await tryUpgrade(t.wsUrl + path, { protocols: ['veracall.v1', `bearer.${token}`] }),
          401,
        )
      }
    },
  )

  it('accepts a valid token by query and by subprotocol', async () => {
    for (const [, path] of paths()) {
      expectUpgraded(await tryUpgrade(`${t.wsUrl}${path}?token=${alice.token}`))
      expectUpgraded(
        await tryUpgrade(t.wsUrl + path, { protocols: ['veracall.v1', `bearer.${alice.token}`] }),
      )
    }
  })

  it('selects veracall.v1 and never echoes the token in the handshake (W11)', async () => {
    const outcome = await tryUpgrade(`${t.wsUrl}/ws/events`, {
      protocols: ['veracall.v1', `bearer.${alice.token}`],
    })
    if (!outcome.upgraded) throw new Error(`HTTP ${outcome.status}`)
    expect(outcome.protocol).toBe('veracall.v1')
    expect(outcome.socket.protocol).toBe('veracall.v1')
    outcome.socket.close()
  })

  it('refuses a foreign Origin with 403 and accepts the allowed one and none (W3)', async () => {
    const path = `/ws/events?token=${alice.token}`
    expectRefused(await tryUpgrade(t.wsUrl + path, { origin: 'https://evil.example' }), 403)
    // A foreign origin is refused even before its token is looked at.
    expectRefused(await tryUpgrade(`${t.wsUrl}/ws/events`, { origin: 'https://evil.example' }), 403)
    expectUpgraded(await tryUpgrade(t.wsUrl + path, { origin: APP_ORIGIN }))
    expectUpgraded(await tryUpgrade(t.wsUrl + path))
    // No Origin is allowed only with a valid token.
    expectRefused(await tryUpgrade(`${t.wsUrl}/ws/events`), 401)
  })

  it("closes a third user's socket on a room with 4403 (W2)", async () => {
    const intruder = new TestSocket(`${t.wsUrl}/ws/call/${call.room_id}?token=${eve.token}`)
    expect((await intruder.closed).code).toBe(4403)
  })

  it('closes a socket on an unknown room with 4404 and on an ended call with 4410', async () => {
    const unknown = new TestSocket(`${t.wsUrl}/ws/call/${'A'.repeat(22)}?token=${alice.token}`)
    expect((await unknown.closed).code).toBe(4404)

    const carol = await t.register()
    const dave = await t.register()
    const ended = await t.startCall(carol, dave)
    const end = await t.request<{ call: Call }>(
      'POST',
      '/api/v1/calls/end',
      { call_id: ended.id },
      carol.token,
    )
    expect(end.body.call.status).toBe('ended')
    const late = new TestSocket(`${t.wsUrl}/ws/call/${ended.room_id}?token=${dave.token}`)
    expect((await late.closed).code).toBe(4410)
  })

  it('refuses a malformed room id before the upgrade', async () => {
    expectRefused(await tryUpgrade(`${t.wsUrl}/ws/call/x?token=${alice.token}`), 400)
  })

  it('closes an open socket with 4401 once its token expires (W12)', async () => {
    const shortLived = await signTestToken(alice.user.id, {
      exp: Math.floor(Date.now() / 1000) + 1,
    })
    const room = new TestSocket(`${t.wsUrl}/ws/call/${call.room_id}?token=${shortLived}`)
    const events = new TestSocket(`${t.wsUrl}/ws/events`, {
      protocols: ['veracall.v1', `bearer.${shortLived}`],
    })
    await Promise.all([room.opened, events.opened])
    room.send(envelope('join', call.room_id))
    const [roomClose, eventsClose] = await Promise.all([room.closed, events.closed])
    expect(roomClose.code).toBe(4401)
    expect(eventsClose.code).toBe(4401)
    // The same user with a fresh token is still welcome.
    const fresh = new TestSocket(`${t.wsUrl}/ws/call/${call.room_id}?token=${alice.token}`)
    await fresh.opened
    fresh.close()
  })

  it('keeps the token out of the upgrade response even when refusing it', async () => {
    const expired = await signTestToken(alice.user.id, { exp: now - 60 })
    const outcome = await tryUpgrade(`${t.wsUrl}/ws/events`, {
      protocols: ['veracall.v1', `bearer.${expired}`],
    })
    expectRefused(outcome, 401)
    if (!outcome.upgraded) expect(outcome.body).not.toContain(expired)
  })
})
