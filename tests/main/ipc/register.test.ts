import { describe, expect, it, vi } from 'vitest'
import { registerIpc, type IpcHandlers } from '../../../src/main/ipc/register.js'
import { IpcError } from '../../../src/main/ipc/result.js'
import { createIpcHandlers } from '../../../src/main/ipc/handlers.js'
import { DEFAULT_SETTINGS } from '../../../src/main/settings/schema.js'
import {
  APP_ORIGIN,
  INVOKE_CHANNELS,
  type InvokeChannel,
} from '../../../src/shared/ipc-contract.js'
import { FakeIpcMain } from '../fakes.js'

const APP = 'app://veracall/index.html'

/** Valid arguments for each channel, and some invalid ones (wrong type, extra field, too big). */
const frame = { callId: 1, width: 2, height: 2, timestampMs: 5, data: new ArrayBuffer(16) }
/** The start of a WebM file (EBML magic), and bytes that are not one. */
const webm = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3]).buffer
const recording = { suggestedName: 'Veracall call with Ada', data: webm }
const CASES: Record<InvokeChannel, { good: unknown[]; bad: unknown[][] }> = {
  'app:getInfo': { good: [], bad: [['extra']] },
  'settings:get': { good: [], bad: [[1]] },
  'settings:update': {
    good: [{ doNotDisturb: true }],
    bad: [
      [],
      [{ analysisRate: 11 }],
      [{ analysisRate: 0 }],
      [{ serverUrl: 'javascript:alert(1)' }],
      [{ serverUrl: 'https://' }],
      [{ customModelFolder: '/etc' }],
      [{ hideFromScreenCapture: 'yes' }],
      [{ unknown: true }],
      [JSON.parse('{"__proto__": {"doNotDisturb": true}}')],
      ['doNotDisturb'],
    ],
  },
  'settings:chooseModelFolder': { good: [], bad: [['/tmp']] },
  'server:getInfo': { good: [], bad: [[null]] },
  'auth:getToken': { good: [], bad: [[1]] },
  'auth:setToken': {
    good: ['aaa.bbb.ccc'],
    bad: [[], ['not a jwt'], [42], ['a.b.c'.repeat(2000)]],
  },
  'app:notify': {
    good: [{ title: 'Missed call', body: 'Ada called' }],
    bad: [[{ title: '', body: 'x' }], [{ title: 'x' }], [{ title: 'x', body: 'y', html: '<b>' }]],
  },
  'shell:openExternal': {
    good: ['https://example.com/'],
    bad: [[], [''], [42], ['x'.repeat(3000)]],
  },
  'call:incoming': {
    good: [{ callId: 7, callerName: 'Ada', callType: 'video' }],
    bad: [
      [{ callId: 0, callerName: 'Ada', callType: 'video' }],
      [{ callId: 7, callerName: 'Ada', callType: 'fax' }],
      [{ callId: 7, callerName: '', callType: 'audio' }],
      [{ callId: '7', callerName: 'Ada', callType: 'audio' }],
    ],
  },
  'call:ringEnded': { good: [7], bad: [[-1], ['7'], [1.5]] },
  'call:setActive': { good: [true], bad: [['yes'], []] },
  'detector:status': { good: [], bad: [[{}]] },
  'detector:startSession': { good: [3], bad: [[0], [null]] },
  'detector:submitFrame': {
    good: [frame],
    bad: [
      [{ ...frame, data: new ArrayBuffer(15) }],
      [{ ...frame, data: 'AAAA' }],
      [{ ...frame, data: new Uint8Array(16) }],
      [{ ...frame, width: 641, height: 1, data: new ArrayBuffer(641 * 4) }],
      [{ ...frame, extra: 1 }],
    ],
  },
  'detector:endSession': { good: [3], bad: [[0]] },
  'recording:save': {
    good: [recording],
    bad: [
      [],
      [{ ...recording, data: new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]) }],
      [{ ...recording, data: new Uint8Array([1, 2, 3, 4, 5]).buffer }],
      [{ ...recording, data: new ArrayBuffer(0) }],
      [{ ...recording, data: 'GkXfow==' }],
      [{ ...recording, suggestedName: '../../.bashrc' }],
      [{ ...recording, suggestedName: '/etc/passwd' }],
      [{ ...recording, suggestedName: 'C:\\evil' }],
      [{ ...recording, suggestedName: '.hidden' }],
      [{ ...recording, suggestedName: '' }],
      [{ ...recording, suggestedName: 'x'.repeat(121) }],
      [{ ...recording, path: '/tmp/x.webm' }],
    ],
  },
  'detector:verify': {
    good: [3, 'turn_head'],
    bad: [
      [0, 'turn_head'],
      ['3', 'turn_head'],
      [3],
      [3, 'smile'],
      [3, 60_000],
      [{ callId: 3, ms: 60_000 }],
    ],
  },
  'screen:listSources': { good: [], bad: [['screen:0:0']] },
  'screen:chooseSource': {
    good: ['window:42:0'],
    bad: [[], ['tab:1'], ['screen:0:0; rm'], [7], [{ id: 'screen:0:0' }], ['x'.repeat(100)]],
  },
}

function spyHandlers() {
  const calls: string[] = []
  const values: { [C in InvokeChannel]: unknown } = {
    'app:getInfo': { version: '1.0.0', platform: 'linux', isPackaged: false },
    'settings:get': DEFAULT_SETTINGS,
    'settings:update': { ...DEFAULT_SETTINGS, doNotDisturb: true },
    'settings:chooseModelFolder': DEFAULT_SETTINGS,
    'server:getInfo': {
      running: true,
      localUrl: 'http://127.0.0.1:1',
      lanUrls: [],
      sharing: false,
      error: null,
      secretEncrypted: true,
    },
    'auth:getToken': null,
    'auth:setToken': null,
    'app:notify': true,
    'shell:openExternal': null,
    'call:incoming': { ring: true, reason: 'ring' },
    'call:ringEnded': null,
    'call:setActive': null,
    'detector:status': { available: false, reason: 'off', model: null, fps: 0 },
    'detector:startSession': null,
    'detector:submitFrame': null,
    'detector:endSession': null,
    'detector:verify': null,
    'screen:listSources': [
      { id: 'screen:0:0', kind: 'screen', name: 'Screen 1', thumbnail: new Uint8Array(3) },
    ],
    'screen:chooseSource': null,
    'recording:save': true,
  }
  const handlers = Object.fromEntries(
    INVOKE_CHANNELS.map((c) => [
      c,
      (..._args: unknown[]) => {
        calls.push(c)
        return values[c]
      },
    ]),
  ) as unknown as IpcHandlers
  return { handlers, calls }
}

function setup() {
  const ipcMain = new FakeIpcMain()
  const { handlers, calls } = spyHandlers()
  const logs: string[] = []
  const registered = registerIpc({
    ipcMain,
    handlers,
    allowedOrigins: [APP_ORIGIN],
    log: (m) => logs.push(m),
  })
  return { ipcMain, calls, registered, logs }
}

describe('IPC registration (E8)', () => {
  it('registers exactly one handler per contract channel, no orphans', () => {
    const { ipcMain, registered } = setup()
    expect(ipcMain.handleCalls.sort()).toEqual([...INVOKE_CHANNELS].sort())
    expect(registered.sort()).toEqual([...INVOKE_CHANNELS].sort())
    expect(Object.keys(CASES).sort()).toEqual([...INVOKE_CHANNELS].sort())
    const real = createIpcHandlers({} as Parameters<typeof createIpcHandlers>[0])
    expect(Object.keys(real).sort()).toEqual([...INVOKE_CHANNELS].sort())
  })

  it.each(INVOKE_CHANNELS)(
    '%s: valid arguments reach the handler and come back ok',
    async (channel) => {
      const { ipcMain, calls } = setup()
      const result = await ipcMain.invoke(APP, channel, ...CASES[channel].good)
      expect(result).toMatchObject({ ok: true })
      expect(calls).toEqual([channel])
    },
  )

  it.each(INVOKE_CHANNELS)(
    '%s: bad arguments → invalid_argument and no side effect',
    async (channel) => {
      const { ipcMain, calls } = setup()
      for (const bad of CASES[channel].bad) {
        expect(await ipcMain.invoke(APP, channel, ...bad)).toEqual({
          ok: false,
          error: { code: 'invalid_argument' },
        })
      }
      expect(CASES[channel].bad.length).toBeGreaterThan(0)
      expect(calls).toEqual([])
    },
  )

  it.each(INVOKE_CHANNELS)('%s: a call from a foreign origin is rejected', async (channel) => {
    const { ipcMain, calls } = setup()
    for (const url of [
      'https://evil.example/',
      'app://veracall.evil/',
      'file:///x/index.html',
      'about:blank',
      null,
    ]) {
      expect(await ipcMain.invoke(url, channel, ...CASES[channel].good)).toEqual({
        ok: false,
        error: { code: 'forbidden_origin' },
      })
    }
    expect(calls).toEqual([])
  })

  it('turns handler failures into codes, and an out-of-contract result into internal_error', async () => {
    const ipcMain = new FakeIpcMain()
    const { handlers } = spyHandlers()
    const logs: string[] = []
    registerIpc({
      ipcMain,
      allowedOrigins: [APP_ORIGIN],
      log: (m) => logs.push(m),
      handlers: {
        ...handlers,
        'shell:openExternal': () => {
          throw new IpcError('not_allowed')
        },
        'settings:get': () => {
          throw new Error('disk on fire')
        },
        'app:notify': () => 'yes' as unknown as boolean,
      },
    })
    expect(await ipcMain.invoke(APP, 'shell:openExternal', 'https://x.example')).toEqual({
      ok: false,
      error: { code: 'not_allowed' },
    })
    const internal = await ipcMain.invoke(APP, 'settings:get')
    expect(internal).toEqual({ ok: false, error: { code: 'internal_error' } })
    expect(JSON.stringify(internal)).not.toContain('disk on fire')
    expect(await ipcMain.invoke(APP, 'app:notify', { title: 'a', body: 'b' })).toEqual({
      ok: false,
      error: { code: 'internal_error' },
    })
  })
})

describe('channel implementations', () => {
  it('shell:openExternal refuses unsafe links with not_allowed', async () => {
    const openExternal = vi.fn((url: string) => url.startsWith('https:'))
    const ipcMain = new FakeIpcMain()
    registerIpc({
      ipcMain,
      allowedOrigins: [APP_ORIGIN],
      log: () => undefined,
      handlers: createIpcHandlers({ openExternal } as unknown as Parameters<
        typeof createIpcHandlers
      >[0]),
    })
    expect(await ipcMain.invoke(APP, 'shell:openExternal', 'https://ok.example/')).toEqual({
      ok: true,
      value: null,
    })
    expect(await ipcMain.invoke(APP, 'shell:openExternal', 'smb://x/y')).toEqual({
      ok: false,
      error: { code: 'not_allowed' },
    })
  })

  it("detector:verify starts that call's challenge for the host's fixed, bounded time; the renderer sets no length", async () => {
    const verify = vi.fn(async (_callId: number, _opts?: { kind?: string }) => undefined)
    const ipcMain = new FakeIpcMain()
    registerIpc({
      ipcMain,
      allowedOrigins: [APP_ORIGIN],
      log: () => undefined,
      handlers: createIpcHandlers({
        detector: async () => ({ verify }),
      } as unknown as Parameters<typeof createIpcHandlers>[0]),
    })
    expect(await ipcMain.invoke(APP, 'detector:verify', 9, 'pass_hand')).toEqual({
      ok: true,
      value: null,
    })
    expect(verify.mock.calls).toEqual([[9, { kind: 'pass_hand' }]])
  })
})
