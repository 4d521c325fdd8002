/// <reference lib="dom" />
import i18next from 'i18next'
import type { ComponentType } from 'react'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { describe, expect, it, vi } from 'vitest'
import Value from 'typebox/value'
import {
  CallVerification,
  type DescribedConnection,
} from '../../../src/renderer/src/call/call-verification.js'
import { createAppStore } from '../../../src/renderer/src/store/index.js'
import type { VerificationState } from '../../../src/renderer/src/store/slices/verification.js'
import { SecurityReport, type VerificationRecord } from '../../../src/shared/detection.js'
import { catalogs } from '../../../src/shared/i18n/index.js'
import { verificationCode } from '../../../src/shared/verification-code.js'
import { faceReport } from '../fakes/reports.js'

const FP_A =
  'D1:7A:0C:3E:55:19:8B:F2:64:A0:7C:13:EE:42:9D:01:B8:36:5F:C4:70:2A:9E:81:0D:F6:33:C7:58:1B:E4:92'
const FP_B =
  '4C:E8:21:97:0A:B5:6D:F3:18:7E:C2:59:A4:30:8F:D6:65:0B:E1:47:9C:2D:73:B8:16:5A:F0:89:3E:C1:04:D7'
const sdp = (fp: string): string =>
  ['v=0', 's=-', 'm=video 9 UDP/TLS/RTP/SAVPF 96', `a=fingerprint:sha-256 ${fp}`, ''].join('\r\n')

/** A connection whose descriptions the test sets, firing the events the browser would. */
class Connection extends EventTarget implements DescribedConnection {
  localDescription: RTCSessionDescription | null = null
  remoteDescription: RTCSessionDescription | null = null
  signalingState: RTCSignalingState = 'stable'
  describe(local: string | null, remote: string | null, state: RTCSignalingState = 'stable'): void {
    const d = (type: RTCSdpType, s: string | null) =>
      s === null ? null : ({ type, sdp: s } as RTCSessionDescription)
    this.localDescription = d('offer', local)
    this.remoteDescription = d('answer', remote)
    this.signalingState = state
    this.dispatchEvent(new Event('signalingstatechange'))
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0))

function setup() {
  const store = createAppStore()
  const verification = new CallVerification({ store, now: () => 1234 })
  const pc = new Connection()
  verification.begin(7, pc)
  return { store, verification, pc }
}

describe('the call verification code', () => {
  it('appears once the exchange completes, the same one the other end computes', async () => {
    const { store, pc } = setup()
    pc.describe(sdp(FP_A), null, 'have-local-offer')
    await settle()
    expect(store.getState().verification.code).toBeNull()
    pc.describe(sdp(FP_A), sdp(FP_B))
    await vi.waitFor(() => expect(store.getState().verification.code).toMatch(/^\d{3} \d{3}$/))
    // The other end has the two descriptions the other way round.
    expect(store.getState().verification.code).toBe(await verificationCode(sdp(FP_B), sdp(FP_A)))
  })

  it('records the choice in the call report, kept when the detector report comes later', async () => {
    const { store, verification, pc } = setup()
    verification.choose('match') // no code yet: nothing to record
    expect(store.getState().reports).toEqual({})
    pc.describe(sdp(FP_A), sdp(FP_B))
    await vi.waitFor(() => expect(store.getState().verification.code).not.toBeNull())
    const code = store.getState().verification.code ?? ''
    verification.choose('mismatch')
    expect(store.getState().verification.choice).toBe('mismatch')
    const expected: VerificationRecord = { code, result: 'mismatch', at: 1234 }
    const alone = store.getState().reports['7']
    expect(alone?.verification).toEqual(expected)
    expect(Value.Check(SecurityReport, alone)).toBe(true)
    // The face check's report arrives at the end of the call: the choice stays in it.
    store.getState().addReport(faceReport(7, { startedAt: 1, endedAt: 2000 }))
    expect(store.getState().reports['7']).toMatchObject({
      peakLevel: 'low',
      verification: expected,
    })
    // A renegotiation with the same certificates keeps the code and the choice.
    pc.describe(sdp(FP_A), sdp(FP_B))
    await settle()
    expect(store.getState().verification).toEqual({ code, failed: false, choice: 'mismatch' })
    verification.finish()
    expect(store.getState().verification).toEqual({ code: null, failed: false, choice: null })
  })

  it('says the call cannot be verified when a description has no fingerprint', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const { store, pc } = setup()
    pc.describe(sdp(FP_A), 'v=0\r\ns=-\r\n')
    await vi.waitFor(() => expect(store.getState().verification.failed).toBe(true))
    expect(store.getState().verification.code).toBeNull()
    warn.mockRestore()
  })

  it('a new call starts without the last one’s code, and a late result is dropped', async () => {
    const { store, verification, pc } = setup()
    pc.describe(sdp(FP_A), sdp(FP_B))
    verification.begin(8, new Connection()) // before the digest resolved
    await settle()
    expect(store.getState().verification.code).toBeNull()
  })

  it('rejects a report whose verification is malformed', () => {
    const base = {
      callId: 1,
      model: null,
      startedAt: 0,
      endedAt: 0,
      peakLevel: 'off',
      peakScore: null,
      shareByLevel: {},
      timeline: [],
    }
    expect(Value.Check(SecurityReport, base)).toBe(true)
    for (const verification of [
      { code: '123456', result: 'match', at: 1 },
      { code: '123 456', result: 'maybe', at: 1 },
      { code: '123 456', result: 'match', at: 1, extra: true },
    ])
      expect(Value.Check(SecurityReport, { ...base, verification })).toBe(false)
  })
})

/** Loaded by a computed path: the root typecheck (no DOM/JSX) must not follow into the renderer. */
const PANEL = '../../../src/renderer/src/detection/VerificationPanel.tsx'
type PanelProps = { verification: VerificationState; onChoose: () => void }

async function render(lang: 'en' | 'zh-CN', verification: VerificationState): Promise<string> {
  const i18n = i18next.createInstance()
  await i18n.use(initReactI18next).init({
    lng: lang,
    resources: { en: { translation: catalogs.en }, 'zh-CN': { translation: catalogs['zh-CN'] } },
  })
  const { VerificationPanel } = (await import(/* @vite-ignore */ PANEL)) as {
    VerificationPanel: ComponentType<PanelProps>
  }
  return renderToStaticMarkup(
    createElement(
      I18nextProvider,
      { i18n },
      createElement(VerificationPanel, { verification, onChoose: () => undefined }),
    ),
  )
}

describe('the verification panel', () => {
  it('shows the code, the hint and two buttons, in both languages, saying it is a short code', async () => {
    const state = { code: '042 917', failed: false, choice: null }
    const en = await render('en', state)
    expect(en).toContain('Compare this code with the other person')
    expect(en).toContain('042 917')
    expect(en).toContain('6 digits')
    expect(en.match(/<button/g)).toHaveLength(2)
    expect(en).toContain('aria-pressed="false"')
    const zh = await render('zh-CN', state)
    expect(zh).toContain('请与对方核对此验证码')
    expect(zh).toContain('一致')
    expect(zh).toContain('6 位数字')
  })

  it('marks the choice made, and warns on a mismatch', async () => {
    const html = await render('en', { code: '042 917', failed: false, choice: 'mismatch' })
    expect(html).toMatch(/aria-pressed="true"[^>]*>Doesn’t match/)
    expect(html).toContain('role="alert"')
    expect(await render('en', { code: null, failed: true, choice: null })).toContain(
      'can’t be verified',
    )
  })
})
