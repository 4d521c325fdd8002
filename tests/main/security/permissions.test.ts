import { describe, expect, it } from 'vitest'
import {
  APP_ORIGIN_PERMISSIONS,
  decidePermission,
  installPermissionHandlers,
} from '../../../src/main/security/permissions.js'
import { APP_ORIGIN } from '../../../src/shared/ipc-contract.js'
import { FakeSession } from '../fakes.js'

const APP = 'app://veracall/index.html'
const ORIGINS = [APP_ORIGIN]

describe('decidePermission (E7)', () => {
  it.each([
    ['media', APP, ['audio', 'video'], true],
    ['media', APP, ['audio'], true],
    ['media', APP, ['video'], true],
    ['media', APP, [], false],
    ['media', APP, ['unknown'], false],
    ['media', APP, ['audio', 'screen'], false],
    ['media', 'https://evil.example/', ['audio'], false],
    ['media', 'app://veracall.evil/', ['audio'], false],
    ['media', undefined, ['audio'], false],
    ['notifications', APP, [], true],
    ['notifications', 'https://evil.example/', [], false],
    ['fullscreen', APP, [], false],
    ['clipboard-sanitized-write', APP, [], false],
    ['clipboard-read', APP, [], false],
    ['display-capture', APP, [], false],
    ['geolocation', APP, [], false],
    ['midiSysex', APP, [], false],
    ['openExternal', APP, [], false],
    ['hid', APP, [], false],
    ['usb', APP, [], false],
    ['made-up', APP, [], false],
    ['__proto__', APP, [], false],
  ] as const)('%s from %s %j → %s', (permission, origin, mediaTypes, granted) => {
    expect(decidePermission({ permission, origin, mediaTypes }, ORIGINS)).toBe(granted)
  })

  it('grants the app origin media and notifications only, as the E7 row says', () => {
    const granted = Object.entries(APP_ORIGIN_PERMISSIONS).filter(([, allowed]) => allowed)
    expect(granted.map(([name]) => name).sort()).toEqual(['media', 'notifications'])
  })
})

describe('installPermissionHandlers (E7)', () => {
  it('resets both handlers with null first, then sets both', () => {
    const session = new FakeSession()
    installPermissionHandlers(session, ORIGINS)
    expect(session.calls).toEqual(['request:null', 'check:null', 'request:set', 'check:set'])
  })

  it('request and check handlers mirror the policy', () => {
    const session = new FakeSession()
    installPermissionHandlers(session, ORIGINS)
    const answers: boolean[] = []
    const ask = (permission: string, requestingUrl: string, mediaTypes?: ('audio' | 'video')[]) =>
      session.requestHandler?.({}, permission, (g) => answers.push(g), {
        requestingUrl,
        ...(mediaTypes ? { mediaTypes } : {}),
      })
    ask('media', APP, ['audio', 'video'])
    ask('media', 'https://evil.example/', ['audio'])
    ask('geolocation', APP)
    ask('media', APP)
    expect(answers).toEqual([true, false, false, false])

    const check = session.checkHandler
    expect(check?.({}, 'media', APP_ORIGIN, { mediaType: 'video' })).toBe(true)
    expect(check?.({}, 'media', APP_ORIGIN, { mediaType: 'unknown' })).toBe(false)
    expect(check?.({}, 'media', 'https://evil.example', { mediaType: 'audio' })).toBe(false)
    expect(check?.({}, 'notifications', APP_ORIGIN, { requestingUrl: APP })).toBe(true)
    expect(check?.({}, 'geolocation', APP_ORIGIN, {})).toBe(false)
  })
})
