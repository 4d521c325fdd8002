import { describe, expect, it } from 'vitest'
import { allowsRequest, isPrivateNetworkHost } from '../../src/main/security/private-network.js'
import { installRequestFilter } from '../../src/main/security/request-filter.js'
import { FakeSession } from '../main/fakes.js'

describe('plain http/ws only on this machine or the local network (E3 + E22)', () => {
  it.each([
    ['127.0.0.1', true],
    ['localhost', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.254', true],
    ['192.168.1.20', true],
    ['169.254.10.10', true],
    ['100.101.102.103', true],
    ['[::1]', true],
    ['[fd12:3456::1]', true],
    ['[fe80::1]', true],
    ['nas', true],
    ['laptop.local', true],
    ['box.home.arpa', true],
    ['172.32.0.1', false],
    ['192.169.1.1', false],
    ['8.8.8.8', false],
    ['100.128.0.1', false],
    ['[2001:db8::1]', false],
    ['calls.example.org', false],
    ['localhost.example.org', false],
    ['', false],
  ])('%s → %s', (host, expected) => {
    expect(isPrivateNetworkHost(host)).toBe(expected)
  })

  it('judges by the parsed host, and leaves https/wss and app:// alone', () => {
    expect(allowsRequest('http://192.168.1.20:47800/api/health')).toBe(true)
    expect(allowsRequest('ws://192.168.1.20:47800/ws/events')).toBe(true)
    expect(allowsRequest('http://calls.example.org/api/health')).toBe(false)
    expect(allowsRequest('ws://calls.example.org/ws')).toBe(false)
    // Userinfo that looks like a LAN address does not make a public host private.
    expect(allowsRequest('http://192.168.1.20@calls.example.org/')).toBe(false)
    // Other spellings of an address are normalised by the URL parser first.
    expect(allowsRequest('http://0xc0.0xa8.1.20/')).toBe(true)
    expect(allowsRequest('http://3232235796/')).toBe(true)
    expect(allowsRequest('https://calls.example.org/')).toBe(true)
    expect(allowsRequest('wss://calls.example.org/ws')).toBe(true)
    expect(allowsRequest('app://veracall/index.html')).toBe(true)
    expect(allowsRequest('not a url')).toBe(false)
  })

  it('the installed filter cancels a plain request to a public host and logs its origin', () => {
    const session = new FakeSession()
    const log: string[] = []
    installRequestFilter(session, (m) => log.push(m))
    expect(session.webRequest.allows('http://192.168.1.20:47800/api/me')).toBe(true)
    expect(session.webRequest.allows('http://127.0.0.1:39123/ws')).toBe(true)
    expect(session.webRequest.allows('https://calls.example.org/api/me')).toBe(true)
    expect(session.webRequest.allows('http://calls.example.org/api/me?token=x')).toBe(false)
    expect(log).toEqual(['refused plain request to a public host: http://calls.example.org'])
  })

  it('the same filter cancels requests on blocked schemes (E11)', () => {
    const session = new FakeSession()
    const log: string[] = []
    installRequestFilter(session, (m) => log.push(m))
    for (const url of ['ftp://files.example.org/x', 'file:///etc/passwd', 'filesystem:https://a/x'])
      expect(session.webRequest.allows(url), url).toBe(false)
    expect(log).toEqual([
      'refused blocked scheme ftp:',
      'refused blocked scheme file:',
      'refused blocked scheme filesystem:',
    ])
  })
})
