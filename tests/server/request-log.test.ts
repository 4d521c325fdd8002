import pino from 'pino'
import { describe, expect, it, vi } from 'vitest'
import { lazyChildLogger } from '../../signaling-server/src/request-log.js'
import { LogCapture, startServer } from './helper.js'

const lines = (logs: LogCapture): { msg?: string; reqId?: string; level: number }[] =>
  logs.lines.map((line) => JSON.parse(line) as { msg?: string; reqId?: string; level: number })

describe('request logging', () => {
  it('writes no line per request at the default level, and both at debug', async () => {
    const quiet = new LogCapture()
    const t = await startServer({ logLevel: 'info' }, {}, { logStream: quiet })
    const alice = await t.register()
    const before = quiet.lines.length
    for (let i = 0; i < 3; i++) await t.request('GET', '/api/v1/users/me', undefined, alice.token)
    await t.request('GET', '/no/such/route')
    expect(quiet.lines.slice(before)).toEqual([])

    const loud = new LogCapture()
    const d = await startServer({ logLevel: 'debug' }, {}, { logStream: loud })
    await d.request('GET', '/health')
    const messages = lines(loud).map((l) => l.msg)
    expect(messages).toContain('incoming request')
    expect(messages).toContain('request completed')
    // Each request's lines carry its id.
    expect(lines(loud).find((l) => l.msg === 'request completed')?.reqId).toBeTruthy()
  })

  it("makes a request's child logger only when it writes at an enabled level", () => {
    const logs = new LogCapture()
    const parent = pino({ level: 'info' }, logs)
    const child = vi.spyOn(parent, 'child')
    const log = lazyChildLogger(parent, { reqId: 'req-1' }, {})
    log.debug('not written')
    log.trace({ a: 1 }, 'not written either')
    expect(child).not.toHaveBeenCalled()
    expect(log.level).toBe('info')
    log.warn({ code: 7 }, 'written')
    log.error('and this')
    expect(child).toHaveBeenCalledTimes(1)
    expect(lines(logs).map((l) => [l.msg, l.reqId])).toEqual([
      ['written', 'req-1'],
      ['and this', 'req-1'],
    ])
    // A level set on the request's logger is the request's own.
    log.level = 'debug'
    log.debug('now written')
    expect(parent.level).toBe('info')
    expect(lines(logs).at(-1)?.msg).toBe('now written')
  })
})
