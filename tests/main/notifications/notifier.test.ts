import { describe, expect, it } from 'vitest'
import { createNotifier } from '../../../src/main/notifications/notifier.js'
import { createTranslator } from '../../../src/shared/i18n/index.js'
import type { CallAction } from '../../../src/shared/ipc-contract.js'
import { FakeAdapter } from '../fakes.js'

const en = createTranslator('en')
const zh = createTranslator('zh-CN')

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
