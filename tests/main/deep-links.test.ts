import { describe, expect, it } from 'vitest'
import { findDeepLink, parseDeepLink } from '../../src/main/deep-links.js'

describe('deep links', () => {
  it.each([
    ['veracall://call/ada', { kind: 'call', username: 'ada' }],
    ['veracall://call/ada.l-ove_1/', { kind: 'call', username: 'ada.l-ove_1' }],
    ['VERACALL://call/ada', { kind: 'call', username: 'ada' }],
    [
      'veracall://server?url=https%3A%2F%2Fcalls.example.org%3A8443',
      { kind: 'server', url: 'https://calls.example.org:8443/' },
    ],
    [
      'veracall://server/?url=http://192.168.1.5:47800',
      { kind: 'server', url: 'http://192.168.1.5:47800/' },
    ],
  ])('%s', (raw, expected) => {
    expect(parseDeepLink(raw)).toEqual(expected)
  })

  it.each([
    'veracall://call/',
    'veracall://call/a',
    'veracall://call/ada/extra',
    'veracall://call/%3Cscript%3E',
    'veracall://call/ada%2F..%2Fx',
    'veracall://call/%E0%A4%A',
    'veracall://server?url=javascript:alert(1)',
    'veracall://server?url=file:///etc/passwd',
    'veracall://server',
    'veracall://user:pw@call/ada',
    'veracall://delete/everything',
    'https://call/ada',
    'veracall:call/ada',
    'not a url',
    'veracall://call/' + 'a'.repeat(3000),
  ])('rejects %s', (raw) => {
    expect(parseDeepLink(raw)).toBeNull()
  })

  it('finds the link among command-line arguments (Windows/Linux second launch)', () => {
    expect(findDeepLink(['/opt/Veracall/veracall', '--flag', 'veracall://call/bob'])).toEqual({
      kind: 'call',
      username: 'bob',
    })
    expect(
      findDeepLink(['/opt/Veracall/veracall', 'veracall://nope', 'veracall://call/bob']),
    ).toEqual({
      kind: 'call',
      username: 'bob',
    })
    expect(findDeepLink(['/opt/Veracall/veracall'])).toBeNull()
  })
})
