import { describe, expect, it } from 'vitest'
import { MAX_ERROR_MESSAGE_LENGTH } from '../../signaling-server/src/protocol/index.js'
import { describeValidation } from '../../signaling-server/src/validation-message.js'
import { redactUrl } from '../../signaling-server/src/logger.js'
import { parseClientMessage } from '../../signaling-server/src/ws/parse-message.js'

const huge = 'k'.repeat(60_000)

describe('error messages stay within the schema (ErrorData.message ≤ 1024)', () => {
  it('cuts an unknown field name, and says it was cut', () => {
    const text = describeValidation(
      [
        {
          keyword: 'additionalProperties',
          instancePath: '',
          params: { additionalProperties: [huge] },
        },
      ],
      'body',
    )
    expect(text.length).toBeLessThanOrEqual(200)
    expect(text).toMatch(/^body: unknown field "k+…"$/)
  })

  it('cuts the whole message to the schema limit, however many long names it quotes', () => {
    const names = Array.from({ length: 100 }, (_, i) => `${i}${'n'.repeat(500)}`)
    const text = describeValidation(
      [
        {
          keyword: 'additionalProperties',
          instancePath: '',
          params: { additionalProperties: names },
        },
        { keyword: 'required', instancePath: '/deep', params: { requiredProperties: names } },
      ],
      'body',
    )
    expect(text.length).toBe(MAX_ERROR_MESSAGE_LENGTH)
    expect(text.endsWith('…')).toBe(true)
  })

  it('leaves short messages alone', () => {
    expect(
      describeValidation(
        [
          {
            keyword: 'additionalProperties',
            instancePath: '',
            params: { additionalProperties: ['role'] },
          },
        ],
        'body',
      ),
    ).toBe('body: unknown field "role"')
  })

  it('answers a 60,000-character field name in a frame with a short error', () => {
    const parsed = parseClientMessage(
      JSON.stringify({ type: 'offer', call_id: 'room-1234', data: {}, [huge]: 1 }),
    )
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.code).toBe('invalid_input')
    expect(parsed.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH)
    expect(parsed.message).toContain('unknown field "kkk')
  })
})

describe('redactUrl', () => {
  it('redacts the token however its name is spelled, and nothing else', () => {
    for (const name of ['token', 'TOKEN', '%74oken', '%74%6F%6B%65%6E', 'tok%65n']) {
      expect(redactUrl(`/ws/events?a=1&${name}=eyJ.secret.sig&b=2`), name).toBe(
        `/ws/events?a=1&${name}=[REDACTED]&b=2`,
      )
    }
    expect(redactUrl('/ws/events?token=x#frag')).toBe('/ws/events?token=[REDACTED]#frag')
    expect(redactUrl('/ws/events?tokens=x&%zz=y&token')).toBe('/ws/events?tokens=x&%zz=y&token')
    expect(redactUrl('/health')).toBe('/health')
  })
})
