import { describe, expect, it } from 'vitest'
import { createTrayController } from '../../../src/main/tray/tray.js'
import {
  trayIconFor,
  trayView,
  type TrayAction,
  type TrayInput,
} from '../../../src/main/tray/tray-state.js'
import { createTranslator } from '../../../src/shared/i18n/index.js'
import { FakeAdapter, type FakeTray } from '../fakes.js'

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
