import { describe, expect, it } from 'vitest'
import { decideRing, type RingContext } from '../../src/main/notifications/ring-policy.js'
import { createNotifier } from '../../src/main/notifications/notifier.js'
import { createTrayController } from '../../src/main/tray/tray.js'
import {
  trayIconFor,
  trayView,
  type TrayAction,
  type TrayInput,
} from '../../src/main/tray/tray-state.js'
import { createTranslator } from '../../src/shared/i18n/index.js'
import type { CallAction } from '../../src/shared/ipc-contract.js'
import { FakeAdapter, type FakeTray } from './fakes.js'

const en = createTranslator('en')
const zh = createTranslator('zh-CN')

const BASE: TrayInput = {
  serverOnline: true,
  inCall: false,
  securityAlert: false,
  doNotDisturb: false,
  networkSharing: false,
  lanUrls: [],
  missedCalls: 0,
}

describe('tray state', () => {
  it.each([
    [{}, 'online'],
    [{ serverOnline: false }, 'offline'],
    [{ inCall: true }, 'in-call'],
    [{ inCall: true, securityAlert: true }, 'alert'],
    [{ inCall: false, securityAlert: true }, 'online'],
    [{ serverOnline: false, inCall: true }, 'in-call'],
  ] as const)('%j → %s', (patch, icon) => {
    expect(trayIconFor({ ...BASE, ...patch })).toBe(icon)
  })

  it('menu has open, do not disturb, share on my network and quit', () => {
    const view = trayView({ ...BASE, doNotDisturb: true }, en)
    expect(view.menu.filter((m) => m.type !== 'separator').map((m) => m.id)).toEqual([
      'open',
      'toggle-dnd',
      'toggle-sharing',
      'quit',
    ])
    expect(view.menu.find((m) => m.id === 'toggle-dnd')?.checked).toBe(true)
    expect(view.tooltip).toContain('Do not disturb')
  })

  it('shows the LAN address while sharing, and the missed calls count', () => {
    const view = trayView(
      {
        ...BASE,
        networkSharing: true,
        lanUrls: ['http://192.168.1.5:47800'],
        missedCalls: 2,
      },
      en,
    )
    expect(view.menu.find((m) => m.id === 'lan-address')?.label).toBe(
      'Address: http://192.168.1.5:47800',
    )
    expect(view.tooltip).toContain('2 missed calls')
    expect(
      trayView({ ...BASE, networkSharing: true }, en).menu.find((m) => m.id === 'lan-address')
        ?.enabled,
    ).toBe(false)
  })

  it("speaks the translator's language: tooltip, counts and menu in Chinese, no English left", () => {
    // Before: every tray string was English whatever the user's language.
    const view = trayView(
      {
        ...BASE,
        inCall: true,
        securityAlert: true,
        doNotDisturb: true,
        networkSharing: true,
        lanUrls: ['http://192.168.1.5:47800'],
        missedCalls: 1,
      },
      zh,
    )
    expect(view.tooltip).toBe('Veracall：通话中：可能检测到深度伪造 · 勿扰模式 · 1 个未接来电')
    expect(view.menu.filter((m) => m.type !== 'separator').map((m) => m.label)).toEqual([
      '打开 Veracall',
      '勿扰模式',
      '在我的网络上共享',
      '地址：http://192.168.1.5:47800',
      '退出 Veracall',
    ])
    expect(trayView({ ...BASE, missedCalls: 1 }, en).tooltip).toBe(
      'Veracall: Online · 1 missed call',
    )
    expect(
      trayView({ ...BASE, networkSharing: true }, zh).menu.find((m) => m.id === 'lan-address')
        ?.label,
    ).toBe('未找到网络地址')
  })

  it('the adapter redraws on change and routes clicks', () => {
    const adapter = new FakeAdapter()
    const actions: TrayAction[] = []
    const tray = createTrayController({
      createTray: (p) => adapter.createTray(p),
      iconPath: (icon) => `/icons/tray-${icon}.png`,
      initial: BASE,
      onAction: (a) => actions.push(a),
      t: en,
    })
    const fake = adapter.trays[0] as FakeTray
    expect(fake.images.at(-1)).toBe('/icons/tray-online.png')
    tray.update({ inCall: true })
    expect(fake.images.at(-1)).toBe('/icons/tray-in-call.png')
    tray.update({ securityAlert: true })
    expect(fake.images.at(-1)).toBe('/icons/tray-alert.png')
    expect(fake.tooltip).toContain('deepfake')
    fake.clickItem('toggle-dnd')
    fake.clickItem('toggle-sharing')
    fake.clickItem('quit')
    fake.clickListener?.()
    expect(actions).toEqual(['toggle-dnd', 'toggle-sharing', 'quit', 'open'])
    tray.destroy()
    expect(fake.destroyed).toBe(true)
  })
})

const ctx = (patch: Partial<RingContext> = {}): RingContext => ({
  doNotDisturb: false,
  inCall: false,
  ringing: new Set(),
  windowFocused: false,
  notificationsSupported: true,
  ...patch,
})

describe('ring policy', () => {
  it('rings, notifies and asks for attention when idle and in the background', () => {
    expect(decideRing(1, ctx())).toEqual({
      ring: true,
      reason: 'ring',
      notify: true,
      silent: false,
      attention: true,
      recordMissed: false,
    })
  })
  it('rings without a toast when the window is focused', () => {
    expect(decideRing(1, ctx({ windowFocused: true }))).toMatchObject({
      ring: true,
      notify: false,
      attention: false,
    })
  })
  it('do-not-disturb: no ring, no notification, but the call is recorded as missed', () => {
    expect(decideRing(1, ctx({ doNotDisturb: true }))).toMatchObject({
      ring: false,
      reason: 'do_not_disturb',
      notify: false,
      attention: false,
      recordMissed: true,
    })
  })
  it('already in a call: a silent notification, no ringtone', () => {
    expect(decideRing(1, ctx({ inCall: true }))).toMatchObject({
      ring: false,
      reason: 'busy',
      notify: true,
      silent: true,
      attention: false,
    })
  })
  it('a repeat of a ringing call is ignored; DND wins over busy', () => {
    expect(decideRing(1, ctx({ ringing: new Set([1]) })).reason).toBe('duplicate')
    expect(decideRing(1, ctx({ doNotDisturb: true, inCall: true })).reason).toBe('do_not_disturb')
    expect(decideRing(1, ctx({ notificationsSupported: false })).notify).toBe(false)
  })
})

describe('notifier', () => {
  function setup(
    state: { dnd?: boolean; inCall?: boolean; focused?: boolean; t?: typeof en } = {},
  ) {
    const adapter = new FakeAdapter()
    const actions: CallAction[] = []
    const attention: boolean[] = []
    const missed: number[] = []
    let clicks = 0
    const notifier = createNotifier({
      notificationsSupported: () => adapter.notificationsSupported(),
      createNotification: (o) => adapter.createNotification(o),
      requestAttention: (on) => attention.push(on),
      windowFocused: () => state.focused ?? false,
      doNotDisturb: () => state.dnd ?? false,
      inCall: () => state.inCall ?? false,
      onAction: (a) => actions.push(a),
      onMissedChanged: (n) => missed.push(n),
      onToastClick: () => (clicks += 1),
      t: state.t ?? en,
    })
    return { adapter, notifier, actions, attention, missed, clicks: () => clicks }
  }
  const call = { callId: 9, callerName: 'Ada', callType: 'video' as const }

  it('raises Accept/Decline and routes actions and clicks', () => {
    const { adapter, notifier, actions, attention } = setup()
    expect(notifier.incoming(call)).toEqual({ ring: true, reason: 'ring' })
    const n = adapter.notifications[0]
    expect(n?.shown).toBe(true)
    expect(n?.options.actions.map((a) => a.text)).toEqual(['Accept', 'Decline'])
    expect(n?.options.title).toContain('Ada')
    n?.emit('action', {}, 0)
    n?.emit('action', {}, 1)
    n?.emit('click')
    expect(actions).toEqual([
      { callId: 9, action: 'accept' },
      { callId: 9, action: 'decline' },
      { callId: 9, action: 'show' },
    ])
    expect(notifier.incoming(call).reason).toBe('duplicate')
    expect(adapter.notifications).toHaveLength(1)
    notifier.ended(9)
    expect(n?.closed).toBe(true)
    expect(attention).toEqual([true, false])
  })

  it("words the call notification in the user's language (the caller's name as given)", () => {
    const { adapter, notifier } = setup({ t: zh })
    notifier.incoming(call)
    notifier.incoming({ callId: 10, callerName: 'Grace', callType: 'audio' })
    const [video, audio] = adapter.notifications.map((n) => n.options)
    expect(video).toMatchObject({ title: 'Ada 来电', body: '视频来电', closeButtonText: '拒绝' })
    expect(video?.actions.map((a) => a.text)).toEqual(['接听', '拒绝'])
    expect(audio).toMatchObject({ title: 'Grace 来电', body: '语音来电' })
    const busy = setup({ t: zh, inCall: true })
    busy.notifier.incoming(call)
    expect(busy.adapter.notifications[0]?.options.title).toBe('Ada 来电（你正在通话中）')
  })

  it('DND records the missed call and shows nothing, not even plain toasts', () => {
    const { adapter, notifier, missed } = setup({ dnd: true })
    expect(notifier.incoming(call)).toEqual({ ring: false, reason: 'do_not_disturb' })
    expect(adapter.notifications).toHaveLength(0)
    expect(notifier.missed()).toEqual([call])
    expect(missed).toEqual([1])
    expect(notifier.toast({ title: 'Missed call', body: 'Ada' })).toBe(false)
    notifier.clearMissed()
    expect(missed).toEqual([1, 0])
  })

  it('busy: a silent notification', () => {
    const { adapter, notifier, attention } = setup({ inCall: true })
    expect(notifier.incoming(call)).toEqual({ ring: false, reason: 'busy' })
    expect(adapter.notifications[0]?.options.silent).toBe(true)
    expect(attention).toEqual([])
  })

  it('plain toasts replace the previous one with the same tag', () => {
    const { adapter, notifier, clicks } = setup()
    expect(notifier.toast({ title: 'a', body: 'b', tag: 'call-1' })).toBe(true)
    expect(notifier.toast({ title: 'c', body: 'd', tag: 'call-1' })).toBe(true)
    expect(adapter.notifications[0]?.closed).toBe(true)
    expect(adapter.notifications[1]?.closed).toBe(false)
    adapter.notifications[1]?.emit('click')
    expect(clicks()).toBe(1)
  })
})
