import type { Translate } from '../../shared/i18n/index.js'
import type { TrayLike } from '../electron-adapter.js'
import {
  trayView,
  type TrayAction,
  type TrayIcon,
  type TrayInput,
  type TrayMenuEntry,
} from './tray-state.js'

export interface TrayController {
  update(patch: Partial<TrayInput>): void
  state(): TrayInput
  destroy(): void
}

/** Draws trayView() on a real (or fake) tray and routes menu clicks to `onAction`. */
export function createTrayController(options: {
  createTray(iconPath: string): TrayLike
  iconPath(icon: TrayIcon): string
  initial: TrayInput
  onAction(action: TrayAction): void
  /** Main's translator, in the user's language. */
  t: Translate
}): TrayController {
  let input = { ...options.initial }
  const tray = options.createTray(options.iconPath(trayView(input, options.t).icon))
  tray.onClick(() => options.onAction('open'))

  const draw = (): void => {
    const view = trayView(input, options.t)
    tray.setImage(options.iconPath(view.icon))
    tray.setToolTip(view.tooltip)
    tray.setMenu(
      view.menu.map(({ id, label, type, enabled, checked }) => ({
        id,
        label,
        type,
        enabled,
        ...(checked === undefined ? {} : { checked }),
        ...(isAction(id) ? { click: () => options.onAction(id) } : {}),
      })),
    )
  }
  draw()

  return {
    update(patch) {
      input = { ...input, ...patch }
      draw()
    },
    state: () => ({ ...input }),
    destroy: () => tray.destroy(),
  }
}

/** Every menu entry but the separators and the (disabled) LAN address is an action. */
function isAction(id: TrayMenuEntry['id']): id is TrayAction {
  return id !== 'separator' && id !== 'lan-address'
}
