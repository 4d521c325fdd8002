import { describe, expect, it } from 'vitest'
import type { DisplayMediaRequestLike } from '../../../src/main/electron-adapter.js'
import { createIpcHandlers } from '../../../src/main/ipc/handlers.js'
import { registerIpc } from '../../../src/main/ipc/register.js'
import {
  CHOICE_TTL_MS,
  createScreenPicker,
  installDisplayMediaHandler,
} from '../../../src/main/screen-share/screen-picker.js'
import { APP_ORIGIN } from '../../../src/shared/ipc-contract.js'
import { MAX_THUMBNAIL_BYTES, THUMBNAIL_SIZE } from '../../../src/shared/screen-sources.js'
import { FakeAdapter, FakeIpcMain, FakeSession, fakeDesktopSource } from '../fakes.js'

const APP = 'app://veracall/index.html'

function setup() {
  const adapter = new FakeAdapter()
  adapter.desktopSources = [
    fakeDesktopSource('screen:0:0', 'Entire screen', 120),
    fakeDesktopSource('window:42:0', `Notes — ${'x'.repeat(300)}`, 0),
    fakeDesktopSource('window:43:0', 'Huge', MAX_THUMBNAIL_BYTES + 1),
    // Not a desktopCapturer kind this picker offers.
    fakeDesktopSource('tab:1', 'A tab'),
  ]
  let clock = 1_000
  const logs: string[] = []
  const picker = createScreenPicker({
    getSources: (o) => adapter.getDesktopSources(o),
    appOrigins: [APP_ORIGIN],
    now: () => clock,
    log: (m) => logs.push(m),
  })
  const request = (over: Partial<DisplayMediaRequestLike> = {}) => {
    const answers: unknown[] = []
    picker.handleRequest(
      { frame: { url: APP }, securityOrigin: APP_ORIGIN, videoRequested: true, ...over },
      (streams) => answers.push(streams === null ? null : streams.video.id),
    )
    return answers
  }
  return { adapter, picker, request, logs, tick: (ms: number) => (clock += ms) }
}

describe('screen share source picker (main)', () => {
  it('lists screens and windows with JPEG thumbnails and bounded names', async () => {
    const { adapter, picker } = setup()
    const sources = await picker.listSources()
    expect(adapter.desktopSourceQueries).toEqual([
      { types: ['screen', 'window'], thumbnailSize: THUMBNAIL_SIZE, fetchWindowIcons: false },
    ])
    expect(sources.map((s) => [s.id, s.kind, s.thumbnail.byteLength])).toEqual([
      ['screen:0:0', 'screen', 120],
      ['window:42:0', 'window', 0],
      // Over the cap: listed without a thumbnail rather than failing the list.
      ['window:43:0', 'window', 0],
    ])
    expect(sources[1]?.name.length).toBe(200)
    expect(sources.every((s) => s.thumbnail instanceof Uint8Array)).toBe(true)
  })

  it('grants the picked source to the app origin once, and refuses without a fresh pick', async () => {
    const { picker, request, tick } = setup()
    // Nothing picked yet.
    expect(request()).toEqual([null])
    await picker.listSources()
    picker.choose('window:42:0')
    expect(request()).toEqual(['window:42:0'])
    // One pick, one grant.
    expect(request()).toEqual([null])
    picker.choose('screen:0:0')
    tick(CHOICE_TTL_MS + 1)
    expect(request()).toEqual([null])
    picker.choose('screen:0:0')
    picker.choose(null)
    expect(request()).toEqual([null])
    picker.choose('screen:0:0')
    expect(request({ videoRequested: false })).toEqual([null])
  })

  it('refuses another origin, and a pick that was not listed', async () => {
    const { picker, request, logs } = setup()
    await picker.listSources()
    picker.choose('screen:0:0')
    expect(request({ frame: { url: 'https://evil.example/' } })).toEqual([null])
    expect(logs.join('\n')).toContain('refused request from origin https://evil.example')
    // The refused request used the pick up: the app's own page needs a new one.
    expect(request()).toEqual([null])
    picker.choose('screen:0:0')
    expect(request({ frame: null, securityOrigin: 'app://veracall.evil' })).toEqual([null])
    expect(() => picker.choose('window:99:0')).toThrow('not_allowed')
    // A new listing forgets an earlier pick.
    picker.choose('screen:0:0')
    await picker.listSources()
    expect(request()).toEqual([null])
  })

  it('is reached through the validated IPC pair and installed on the session', async () => {
    const { picker, request } = setup()
    const ipcMain = new FakeIpcMain()
    registerIpc({
      ipcMain,
      allowedOrigins: [APP_ORIGIN],
      log: () => undefined,
      handlers: createIpcHandlers({ screenPicker: picker } as unknown as Parameters<
        typeof createIpcHandlers
      >[0]),
    })
    const listed = await ipcMain.invoke(APP, 'screen:listSources')
    expect(listed).toMatchObject({ ok: true, value: [{ id: 'screen:0:0' }, {}, {}] })
    expect(await ipcMain.invoke(APP, 'screen:chooseSource', 'window:99:0')).toEqual({
      ok: false,
      error: { code: 'not_allowed' },
    })
    expect(await ipcMain.invoke(APP, 'screen:chooseSource', 'screen:0:0')).toEqual({
      ok: true,
      value: null,
    })
    expect(await ipcMain.invoke('https://evil.example/', 'screen:chooseSource', null)).toEqual({
      ok: false,
      error: { code: 'forbidden_origin' },
    })
    expect(request()).toEqual(['screen:0:0'])

    const session = new FakeSession()
    installDisplayMediaHandler(session, picker)
    expect(session.displayCalls).toEqual(['display:null', 'display:set'])
  })
})
