import { describe, expect, it } from 'vitest'
import {
  buildIceServers,
  DEFAULT_STUN_URLS,
  parseIceUrls,
} from '../../../src/renderer/src/call/ice-servers.js'

describe('ICE servers', () => {
  it('uses the public STUN list by default, none when emptied, TURN with credentials', () => {
    expect(buildIceServers({ stunUrls: null, turn: null })).toEqual([
      { urls: [...DEFAULT_STUN_URLS] },
    ])
    expect(buildIceServers({ stunUrls: [], turn: null })).toEqual([])
    expect(
      buildIceServers({
        stunUrls: [],
        turn: { urls: ['turn:t.example.org:3478', 'http://x'], username: 'u', credential: 'p' },
      }),
    ).toEqual([{ urls: ['turn:t.example.org:3478'], username: 'u', credential: 'p' }])
    expect(parseIceUrls('stun:a:1, stun:b:2\nhttp://nope  turns:c:5349')).toEqual([
      'stun:a:1',
      'stun:b:2',
      'turns:c:5349',
    ])
  })
})
