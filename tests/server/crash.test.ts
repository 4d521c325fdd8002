import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSignalingServer } from 'veracall-signaling'
import type { AuthResponse, Call, HistoryResponse } from 'veracall-signaling/protocol'
import { spawnFixture, tempDir, testConfig } from './helper.js'

interface UserAck {
  step: 'user'
  username: string
  password: string
  id: string
}
interface CallAck {
  step: 'call'
  id: number
  status: Call['status']
  participants: [string, string]
}

// Issue 3 and D4: SIGKILL the server with calls ringing and in progress, restart on the same file.
describe('crash and restart', () => {
  const secret = 'crash-test-secret-that-is-long-enough-42'
  const dbPath = join(tempDir(), 'crash.db')
  const config = testConfig({ dbPath, jwtSecret: secret })

  it('keeps every acknowledged account and call, and ends the stale calls as interrupted', async () => {
    const writer = spawnFixture('crash-writer.ts', {
      JWT_SECRET: secret,
      DB_PATH: dbPath,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      SCRYPT_LOG2_N: '10',
      RING_TIMEOUT_S: '3600',
      RATE_LIMIT_AUTH_PER_MIN: '100000',
      RATE_LIMIT_CALLS_PER_MIN: '100000',
      RATE_LIMIT_PER_MIN: '100000',
    })
    await writer.line((l) => l.step === 'ready')
    // Let it get well into the stream of writes, then kill it without warning.
    const acked = writer.lines.length
    await writer.line(() => writer.lines.length >= acked + 12)
    writer.child.kill('SIGKILL')
    expect((await writer.exited).signal).toBe('SIGKILL')

    const users = writer.lines.filter(
      (l): l is UserAck & Record<string, unknown> => l.step === 'user',
    )
    const callAcks = writer.lines.filter(
      (l): l is CallAck & Record<string, unknown> => l.step === 'call',
    )
    const lastState = new Map<number, CallAck>()
    for (const ack of callAcks) lastState.set(ack.id, ack)
    const stale = [...lastState.values()].filter((c) => c.status !== 'ended')
    expect(stale.some((c) => c.status === 'waiting')).toBe(true)
    expect(stale.some((c) => c.status === 'in_progress')).toBe(true)

    const server = createSignalingServer({ config })
    const { url } = await server.start()
    try {
      const post = async <T>(path: string, body: object): Promise<{ status: number; body: T }> => {
        const response = await fetch(url + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
        return { status: response.status, body: (await response.json()) as T }
      }
      const tokens = new Map<string, string>()
      for (const user of users) {
        const login = await post<AuthResponse>('/api/v1/auth/login', {
          username: user.username,
          password: user.password,
        })
        expect(login.status, user.username).toBe(200)
        expect(login.body.user.id).toBe(user.id)
        tokens.set(user.id, login.body.token)
      }

      for (const [id, ack] of lastState) {
        const token = tokens.get(ack.participants[0])
        const response = await fetch(`${url}/api/v1/calls/history?limit=100`, {
          headers: { authorization: `Bearer ${token}` },
        })
        const history = (await response.json()) as HistoryResponse
        const found = history.calls.find((c) => c.id === id)
        expect(found, `call ${id}`).toBeDefined()
        expect(found?.status).toBe('ended')
        if (ack.status === 'ended') expect(found?.end_reason).not.toBe('interrupted')
        else expect(found?.end_reason, `call ${id} was ${ack.status}`).toBe('interrupted')
        if (ack.status === 'in_progress') expect(found?.answered_at).toEqual(expect.any(String))
      }

      const db = server.app?.db?.raw
      expect(db?.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(db?.pragma('foreign_key_check')).toEqual([])
      // Whatever was mid-flight at the kill (never acked) was resolved too: nothing is left open.
      const open = db?.prepare("SELECT count(*) AS n FROM calls WHERE status <> 'ended'").get()
      expect(open).toEqual({ n: 0 })
    } finally {
      await server.stop()
    }
  })
})
