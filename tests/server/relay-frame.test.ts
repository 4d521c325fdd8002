import { describe, expect, it } from 'vitest'
import type { RawData } from 'ws'
import {
  parseClientMessage,
  relayFrame,
  relayMiddle,
  type ValidMessage,
} from '../../signaling-server/src/ws/parse-message.js'
import { RelayFramer } from '../../signaling-server/src/ws/relay-bytes.js'
import { envelope, startServer, TestSocket } from './helper.js'

const ROOM = 'room-Ä-1'
const USER = 'u-42'
const NOW = 1_700_000_000_123

/**
 * What the relay sends for `raw` from USER in ROOM, or the refusal (nothing is framed then). The
 * in-memory fan-out sends the bytes RelayFramer builds, Redis the string relayFrame builds: the
 * same bytes, checked here for every frame.
 */
function frameOf(raw: string, to?: string): string {
  const message = parseClientMessage(raw)
  if (!message.ok) throw new Error(`refused: ${message.code}`)
  const framed = relayFrame(relayMiddle(ROOM, USER, to), message, NOW)
  const bytes = new RelayFramer(ROOM, USER).frame(message, Buffer.from(raw), NOW, to)
  expect(bytes.toString(), 'RelayFramer and relayFrame differ').toBe(framed)
  return framed
}

/** How the relay built the frame before it was spliced: a new object through JSON.stringify. */
function objectFrame(raw: string): string {
  const message = parseClientMessage(raw) as ValidMessage
  return JSON.stringify({
    type: message.type,
    call_id: ROOM,
    user_id: USER,
    data: message.data,
    timestamp: message.timestamp ?? NOW,
  })
}

// The outgoing bytes of a relayed message (W6), pinned: the frame is spliced from strings, so a
// change here changes the wire.
describe('relay frame bytes', () => {
  const cases: [string, string, string][] = [
    [
      "replaces a client's own user_id with the token's",
      `{"type":"offer","call_id":"${ROOM}","user_id":"mallory","data":{"type":"offer","sdp":"v=0"},"timestamp":5}`,
      `{"type":"offer","call_id":"${ROOM}","user_id":"u-42","data":{"type":"offer","sdp":"v=0"},"timestamp":5}`,
    ],
    [
      'puts the envelope in its fixed order and keeps the order of data as sent',
      `{"timestamp":7,"data":{"sdpMLineIndex":0,"candidate":"candidate:1 1 udp 1 10.0.0.1 9 typ host","sdpMid":"0"},"user_id":"x","call_id":"${ROOM}","type":"ice_candidate"}`,
      `{"type":"ice_candidate","call_id":"${ROOM}","user_id":"u-42","data":{"sdpMLineIndex":0,"candidate":"candidate:1 1 udp 1 10.0.0.1 9 typ host","sdpMid":"0"},"timestamp":7}`,
    ],
    [
      'writes unicode as JSON.stringify does (escapes decoded, lone surrogates and controls escaped)',
      `{"type":"answer","call_id":"${ROOM}","data":{"sdp":"caf\\u00e9 é 😀 \\u2028 \\ud800 \\"q\\" \\\\ \\t"}}`,
      `{"type":"answer","call_id":"${ROOM}","user_id":"u-42","data":{"sdp":"café é 😀 \u2028 \\ud800 \\"q\\" \\\\ \\t"},"timestamp":${NOW}}`,
    ],
    [
      'drops whitespace, keeps the last of a repeated key and writes numbers canonically',
      ` { "type" : "challenge", "call_id":"${ROOM}", "timestamp": 1.5e3, "data" : { "id":"a", "id":"b-1", "kind":"turn_head", "duration_ms": 5000.0 } } `,
      `{"type":"challenge","call_id":"${ROOM}","user_id":"u-42","data":{"id":"b-1","kind":"turn_head","duration_ms":5000},"timestamp":1500}`,
    ],
    [
      'writes escapes as JSON.stringify does',
      `{"type":"ice_candidate","call_id":"${ROOM}","data":{"candidate":"a\\/b \\u0041","sdpMid":"\\n"}}`,
      `{"type":"ice_candidate","call_id":"${ROOM}","user_id":"u-42","data":{"candidate":"a/b A","sdpMid":"\\n"},"timestamp":${NOW}}`,
    ],
    [
      'relays media_state',
      `{"type":"media_state","call_id":"${ROOM}","user_id":"","data":{"video":false,"audio":true},"timestamp":0}`,
      `{"type":"media_state","call_id":"${ROOM}","user_id":"u-42","data":{"video":false,"audio":true},"timestamp":0}`,
    ],
  ]

  it.each(cases)('%s', (_name, raw, expected) => {
    expect(frameOf(raw)).toBe(expected)
    expect(frameOf(raw)).toBe(objectFrame(raw))
  })

  it('keeps a "to" after user_id, as the Redis path does', () => {
    const to = 'a1b2c3d4-0000-4000-8000-00000000000f'
    const raw = `{"type":"offer","call_id":"${ROOM}","to":"${to.toUpperCase()}","data":{"sdp":"v=0"},"timestamp":5}`
    expect(frameOf(raw, to)).toBe(
      `{"type":"offer","call_id":"${ROOM}","user_id":"u-42","to":"${to}","data":{"sdp":"v=0"},"timestamp":5}`,
    )
  })

  it('gives the same bytes whether it copies the data or serialises it again', () => {
    // The same frame from the same socket twice: the framer's cached head is reused.
    const framer = new RelayFramer(ROOM, USER)
    const canonical = `{"type":"offer","call_id":"${ROOM}","data":{"sdp":"a\\r\\n"},"timestamp":1}`
    const spaced = `{"type":"offer","call_id":"${ROOM}","data":{ "sdp" : "a\\r\\n" },"timestamp":1}`
    const expected = `{"type":"offer","call_id":"${ROOM}","user_id":"u-42","data":{"sdp":"a\\r\\n"},"timestamp":1}`
    for (const raw of [canonical, spaced, canonical]) {
      const message = parseClientMessage(raw) as ValidMessage
      expect(framer.frame(message, Buffer.from(raw), NOW).toString()).toBe(expected)
    }
  })

  it('escapes the room and user ids it splices in', () => {
    const raw = `{"type":"leave","call_id":"x","data":{}}`
    const message = parseClientMessage(raw) as ValidMessage
    expect(relayFrame(relayMiddle('a"b\\c', 'ü\n'), message, 1)).toBe(
      `{"type":"leave","call_id":"a\\"b\\\\c","user_id":"ü\\n","data":{},"timestamp":1}`,
    )
  })

  it('matches JSON.stringify of the message for random valid messages', () => {
    // Characters that JSON.stringify escapes or that need care: quote, backslash, controls, U+2028,
    // a lone surrogate (only reachable through an escape), astral and non-Latin text.
    const alphabet = [
      'a',
      ' ',
      '"',
      '\\',
      '\n',
      '\u0001',
      '\u2028',
      '\ud83d',
      '😀',
      'é',
      'Ж',
      '{',
      ':',
      ',',
    ]
    let seed = 7
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const text = (): string =>
      Array.from({ length: rand(12) }, () => alphabet[rand(alphabet.length)]).join('')
    for (let i = 0; i < 2000; i++) {
      const data =
        i % 3 === 0
          ? { sdp: text(), type: 'offer' }
          : i % 3 === 1
            ? { candidate: text(), sdpMLineIndex: rand(2) ? rand(256) : null, sdpMid: text() }
            : { type: 'offer', sdp: text() }
      const type = i % 3 === 1 ? 'ice_candidate' : 'offer'
      const envelope = { user_id: text(), type, data, call_id: ROOM, timestamp: rand(10 ** 9) / 8 }
      // The same message as a client might write it: escaped the usual way, or with \u escapes.
      const plain = JSON.stringify(envelope)
      const escaped = plain.replace(
        /[^\x20-\x7e]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      )
      for (const raw of [plain, escaped]) {
        expect(frameOf(raw)).toBe(objectFrame(raw))
      }
    }
  })

  it('refuses, and so frames nothing, for every malformed or invalid message', () => {
    const bad = [
      'not json',
      '{"type":"offer","call_id":"r","data":{"sdp":"x"}',
      `{"type":"offer","call_id":"${ROOM}","data":{"sdp":1}}`,
      `{"type":"offer","call_id":"${ROOM}","data":{"sdp":"x","evil":true}}`,
      `{"type":"offer","call_id":"${ROOM}","data":{"sdp":"x"},"extra":1}`,
      `{"type":"offer","call_id":"${ROOM}","user_id":5,"data":{"sdp":"x"}}`,
      `{"type":"hello","call_id":"${ROOM}","data":{}}`,
      `{"type":"offer","call_id":"${ROOM}","data":{"sdp":"${'x'.repeat(60_001)}"}}`,
      `{"type":"ice_candidate","call_id":"${ROOM}","data":{"candidate":"c","sdpMLineIndex":256}}`,
      `{"type":"offer","call_id":"${ROOM}","data":{"sdp":"x"},"timestamp":-1}`,
      `{"type":"offer","call_id":"${ROOM}","data":{"sdp":"x"},"timestamp":"1"}`,
      `[{"type":"offer","call_id":"${ROOM}","data":{"sdp":"x"}}]`,
      // JSON.parse makes __proto__ an own key: refused as an unknown key, at either level.
      `{"type":"offer","call_id":"${ROOM}","__proto__":{"user_id":"x"},"data":{"sdp":"x"}}`,
      `{"type":"offer","call_id":"${ROOM}","data":{"sdp":"x","__proto__":{"sdp":"y"}}}`,
    ]
    for (const raw of bad) expect(parseClientMessage(raw).ok, raw).toBe(false)
  })
})

// End to end: of everything Alice sends, Bob receives exactly the valid messages, in order, as the
// pinned bytes; anything forwarded without validation would show up here.
describe('relay over a room socket', async () => {
  const t = await startServer()

  it('delivers only validated messages, once each, in order, with the rewritten user_id', async () => {
    const alice = await t.register()
    const bob = await t.register()
    const call = await t.startCall(alice, bob)
    const a = new TestSocket(`${t.wsUrl}/ws/call/${call.room_id}?token=${alice.token}`)
    const b = new TestSocket(`${t.wsUrl}/ws/call/${call.room_id}?token=${bob.token}`)
    const raw: string[] = []
    const binary: boolean[] = []
    b.socket.on('message', (data: RawData, isBinary: boolean) => {
      raw.push(data.toString())
      binary.push(isBinary)
    })
    await Promise.all([a.opened, b.opened])
    a.send(envelope('join', call.room_id))
    b.send(envelope('join', call.room_id))
    await Promise.all([a.ofType('peer_joined'), b.ofType('peer_joined')])
    raw.length = 0
    binary.length = 0

    const room = JSON.stringify(call.room_id)
    const sent = [
      `{"type":"offer","call_id":${room},"user_id":${JSON.stringify(bob.user.id)},"data":{"sdp":"one ü"},"timestamp":1}`,
      'not json',
      `{"type":"offer","call_id":${room},"data":{"sdp":"bad","evil":1},"timestamp":2}`,
      `{"type":"offer","call_id":"elsewhere","data":{"sdp":"wrong room"},"timestamp":3}`,
      `{"type":"nope","call_id":${room},"data":{},"timestamp":4}`,
      `{"type":"offer","call_id":${room},"data":{"sdp":"${'x'.repeat(60_001)}"},"timestamp":5}`,
      `{"data":{"candidate":"c2","sdpMid":null},"timestamp":6,"type":"ice_candidate","call_id":${room}}`,
    ]
    for (const frame of sent) a.send(frame)
    // Alice's five refusals come back to her; a round trip after them orders Bob's reads.
    for (let i = 0; i < 5; i++) await a.ofType('error')
    a.send(envelope('media_state', call.room_id, { audio: true, video: true }, { timestamp: 7 }))
    await b.ofType('media_state')

    const from = JSON.stringify(alice.user.id)
    expect(raw).toEqual([
      `{"type":"offer","call_id":${room},"user_id":${from},"data":{"sdp":"one ü"},"timestamp":1}`,
      `{"type":"ice_candidate","call_id":${room},"user_id":${from},"data":{"candidate":"c2","sdpMid":null},"timestamp":6}`,
      `{"type":"media_state","call_id":${room},"user_id":${from},"data":{"audio":true,"video":true},"timestamp":7}`,
    ])
    // Sent from bytes, still as text frames.
    expect(binary).toEqual([false, false, false])
    a.close()
    b.close()
  })
})
