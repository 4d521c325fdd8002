/**
 * The tray as a pure function of the app's state: which icon, which tooltip, which menu, in the
 * language of `t`. The adapter (tray.ts) only draws what this returns.
 */
import type { Translate } from '../../shared/i18n/index.js'

export type TrayIcon = 'online' | 'offline' | 'in-call' | 'alert'

export interface TrayInput {
  serverOnline: boolean
  inCall: boolean
  /** The detector's latest level for the current call was high. */
  securityAlert: boolean
  doNotDisturb: boolean
  networkSharing: boolean
  /** Addresses to give to the other person when sharing. */
  lanUrls: readonly string[]
  missedCalls: number
}

export type TrayAction = 'open' | 'toggle-dnd' | 'toggle-sharing' | 'quit'

export interface TrayMenuEntry {
  id: TrayAction | 'lan-address' | 'separator'
  label: string
  type: 'normal' | 'checkbox' | 'separator'
  checked?: boolean
  enabled: boolean
}

export interface TrayView {
  icon: TrayIcon
  tooltip: string
  menu: TrayMenuEntry[]
}

export function trayIconFor(input: TrayInput): TrayIcon {
  // A security alert outranks everything: it is the one thing the user must not miss.
  if (input.inCall && input.securityAlert) return 'alert'
  if (input.inCall) return 'in-call'
  return input.serverOnline ? 'online' : 'offline'
}

export function trayView(input: TrayInput, t: Translate): TrayView {
  const icon = trayIconFor(input)
  const parts = [t('native.tray.tooltip', { status: t(`native.tray.status.${icon}`) })]
  if (input.doNotDisturb) parts.push(t('native.tray.doNotDisturb'))
  if (input.missedCalls > 0) {
    parts.push(t('native.tray.missedCalls', { count: input.missedCalls }))
  }
  const menu: TrayMenuEntry[] = [
    { id: 'open', label: t('native.tray.open'), type: 'normal', enabled: true },
    { id: 'separator', label: '', type: 'separator', enabled: true },
    {
      id: 'toggle-dnd',
      label: t('native.tray.doNotDisturb'),
      type: 'checkbox',
      checked: input.doNotDisturb,
      enabled: true,
    },
    {
      id: 'toggle-sharing',
      label: t('native.tray.share'),
      type: 'checkbox',
      checked: input.networkSharing,
      enabled: true,
    },
  ]
  if (input.networkSharing) {
    const address = input.lanUrls[0]
    menu.push({
      id: 'lan-address',
      label:
        address === undefined ? t('native.tray.noAddress') : t('native.tray.address', { address }),
      type: 'normal',
      enabled: false,
    })
  }
  menu.push(
    { id: 'separator', label: '', type: 'separator', enabled: true },
    { id: 'quit', label: t('native.tray.quit'), type: 'normal', enabled: true },
  )
  return { icon, tooltip: parts.join(' · '), menu }
}
