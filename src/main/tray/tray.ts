import type { TrayLike } from '../electron-adapter.js'
import { trayView, type TrayAction, type TrayIcon, type TrayInput } from './tray-state.js'

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
}): TrayController {
  let input = { ...options.initial }
  let view = trayView(input)
  const tray = options.createTray(options.iconPath(view.icon))
  tray.onClick(() => options.onAction('open'))

  const draw = (): void => {
    tray.setImage(options.iconPath(view.icon))
    tray.setToolTip(view.tooltip)
    tray.setMenu(
      view.menu.map((entry) => ({
        id: entry.id,
        label: entry.label,
        type: entry.type,
        enabled: entry.enabled,
        ...(entry.checked === undefined ? {} : { checked: entry.checked }),
        ...(isAction(entry.id) ? { click: () => options.onAction(entry.id as TrayAction) } : {}),
      })),
    )
  }
  draw()

  return {
    update(patch) {
      input = { ...input, ...patch }
      view = trayView(input)
      draw()
    },
    state: () => ({ ...input }),
    destroy: () => tray.destroy(),
  }
}

function isAction(id: string): id is TrayAction {
  return id === 'open' || id === 'toggle-dnd' || id === 'toggle-sharing' || id === 'quit'
}
