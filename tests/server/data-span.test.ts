import { describe, expect, it } from 'vitest'
import { canonicalDataSpan } from '../../signaling-server/src/ws/data-span.js'

const ROOM = 'room-1'

/** The span's bytes, or undefined; throws if the text does not parse to an object with object data. */
function spanOf(text: string): string | undefined {
  const frame = Buffer.from(text)
  const parsed = JSON.parse(text) as { data: object }
  const span = canonicalDataSpan(frame, parsed.data)
  return span && frame.subarray(span[0], span[1]).toString()
}

/** Parsed `data` serialised again: what the relay wrote before it copied spans. */
const stringified = (text: string): string =>
  JSON.stringify((JSON.parse(text) as { data: object }).data)

const wrap = (data: string, before = '', after = ''): string =>
  `{"type":"offer","call_id":"${ROOM}",${before}"data":${data}${after},"timestamp":1}`

describe('canonicalDataSpan', () => {
  it("finds the data of a client's JSON.stringify'd frame, whatever the key order", () => {
    const sdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=candidate:1 1 udp 1 10.0.0.1 9 typ host\r\n'
    const frames = [
      JSON.stringify({ type: 'offer', call_id: ROOM, data: { type: 'offer', sdp } }),
      JSON.stringify({ data: { sdp, type: 'offer' }, timestamp: 5, type: 'offer', call_id: ROOM }),
      JSON.stringify({
        type: 'ice_candidate',
        call_id: ROOM,
        user_id: 'x "quoted" \\ {"data":{}}',
        data: { candidate: 'c é 😀 \u2028', sdpMid: null, sdpMLineIndex: 0 },
      }),
      JSON.stringify({ type: 'media_state', call_id: ROOM, data: { audio: true, video: false } }),
      JSON.stringify({ type: 'join', call_id: ROOM, data: {} }),
      JSON.stringify({ type: 'offer', call_id: ROOM, data: { sdp: 'lone \ud800 \udc00 \u0001' } }),
    ]
    for (const text of frames) expect(spanOf(text), text).toBe(stringified(text))
  })

  it('gives no span where the bytes differ from what JSON.stringify writes', () => {
    const notCanonical = [
      wrap('{ "sdp":"x"}'),
      wrap('{"sdp" :"x"}'),
      wrap('{"sdp":"x" }'),
      wrap('{"sdp":"\\u0041"}'), // stringify writes A
      wrap('{"sdp":"a\\/b"}'), // and /
      wrap('{"sdp":"\\u000a"}'), // and \n
      wrap('{"sdp":"\\u001F"}'), // and \u001f
      wrap('{"sdp":"\\ud83d\\ude00"}'), // and the pair raw
      wrap('{"sdp":"\\uD800"}'), // and \ud800
      wrap('{"sdpMLineIndex":1.0}'),
      wrap('{"sdpMLineIndex":1e0}'),
      wrap('{"sdpMLineIndex":-0}'),
      wrap('{"sdpMLineIndex":1234567890123456}'), // past 15 digits stringify may round or use e
      wrap('{"sdp":"a","sdp":"b"}'), // JSON.parse keeps one: the span would carry both
      wrap('{"1":"a","b":"c"}'), // JSON.parse moves integer keys first
      wrap('{"a":{"b":1}}'), // the data schemas are flat
      wrap('{"a":[1]}'),
      wrap('{"sdp":"x"}', '"data":{"sdp":"first"},'), // a repeated data key
      wrap('{"sdp":"x"}', '', ',"d\\u0061ta":{"sdp":"last"}'), // one spelled with an escape
    ]
    for (const text of notCanonical) expect(spanOf(text), text).toBeUndefined()
  })

  it('tolerates whitespace and escapes outside data', () => {
    const text = ` {\n"type" : "offer" ,"call_id":"r\\u006f\\"om", "data" :{"sdp":"x"} , "timestamp" : 1.5e3 }\t`
    expect(spanOf(text)).toBe('{"sdp":"x"}')
  })

  it('agrees with JSON.parse + JSON.stringify on random frames (a span is exact or absent)', () => {
    // mulberry32: a seeded generator whose low bits are as random as its high ones.
    let seed = 11
    const rand = (n: number): number => {
      seed = (seed + 0x6d2b79f5) | 0
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n)
    }
    const pick = <T>(items: readonly T[]): T => items[rand(items.length)] as T
    // String pieces as a client could write them: raw text, canonical and other escapes, pairs.
    const pieces = [
      'a',
      ' ',
      'é',
      '😀',
      '\u2028',
      '{',
      '\\"',
      '\\\\',
      '\\n',
      '\\r',
      '\\t',
      '\\b',
      '\\f',
      '\\/',
      '\\u0041',
      '\\u0001',
      '\\u001f',
      '\\u001F',
      '\\u000a',
      '\\ud800',
      '\\uDBFF',
      '\\udc00',
      '\\ud83d\\ude00',
      '\\ud83d\\uDE00',
      '\\ud83d',
    ]
    const str = (): string => {
      // Mostly plain text, sometimes one of the pieces above.
      const body = Array.from({ length: rand(6) }, () => (rand(3) ? 'x' : pick(pieces))).join('')
      return `"${body}"`
    }
    const numbers = ['0', '7', '255', '-3', '1.0', '1e2', '-0', '0.5', '123456789012345', '1E0']
    const ws = (): string => (rand(12) ? '' : pick([' ', '\n', '\t ']))
    const value = (): string => {
      const kind = rand(10)
      if (kind < 5) return str()
      if (kind < 7) return pick(numbers)
      if (kind < 9) return pick(['true', 'false', 'null'])
      return pick(['{}', '[1,"a"]', '{"x":"y"}'])
    }
    const keys = ['"sdp"', '"type"', '"candidate"', '"sdp"', '"s\\u0064p"', '"__proto__"', '"1"']
    const dataObject = (): string => {
      const members = Array.from(
        { length: rand(4) },
        () => `${ws()}${pick(keys)}${ws()}:${ws()}${value()}${ws()}`,
      )
      return `{${members.join(',')}${members.length ? '' : ws()}}`
    }
    let spans = 0
    let parses = 0
    let refused = 0
    for (let i = 0; i < 20_000; i++) {
      const envelope = [`"type":"offer"`, `"call_id":${str()}`, `"data":${dataObject()}`]
      if (rand(8) === 0) envelope.push(`"data":${dataObject()}`)
      if (rand(8) === 0) envelope.push(`"d\\u0061ta":${dataObject()}`)
      if (rand(4) === 0) envelope.push(`"timestamp":${pick(numbers)}`)
      const text = `${ws()}{${envelope.map((m) => `${ws()}${m}${ws()}`).join(',')}}${ws()}`
      let parsed: unknown
      parses++
      try {
        parsed = JSON.parse(text)
      } catch {
        refused++
        continue
      }
      const data = (parsed as { data: unknown }).data
      if (typeof data !== 'object' || data === null || Array.isArray(data)) continue
      const span = canonicalDataSpan(Buffer.from(text), data)
      if (span === undefined) {
        // Absent only where the text is not what stringify writes (or a data key may repeat).
        if (text === JSON.stringify(parsed)) {
          const flat = Object.values(data).every((v) => typeof v !== 'object' || v === null)
          const simpleKeys = Object.keys(data).every((k) => !/^\d/.test(k))
          const ints = Object.values(data).every(
            (v) => typeof v !== 'number' || (Number.isInteger(v) && Math.abs(v) < 1e15),
          )
          expect(flat && simpleKeys && ints, text).toBe(false)
        }
        continue
      }
      spans++
      expect(Buffer.from(text).subarray(span[0], span[1]).toString(), text).toBe(
        JSON.stringify(data),
      )
    }
    // The generator reaches every outcome often.
    expect({ spans, refused }).toEqual({
      spans: expect.any(Number) as number,
      refused: expect.any(Number) as number,
    })
    expect(spans).toBeGreaterThan(parses / 10)
    expect(refused).toBeLessThan(parses / 2)
  })
})
