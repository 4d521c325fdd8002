import type { CallAction, IncomingCall, RingDecision, Toast } from '../../shared/ipc-contract.js'
import type { Translate } from '../../shared/i18n/index.js'
import type { NotificationLike, NotificationOptions } from '../electron-adapter.js'
import { decideRing } from './ring-policy.js'

export interface NotifierDeps {
  notificationsSupported(): boolean
  createNotification(options: NotificationOptions): NotificationLike
  /** Flash the taskbar button / bounce the dock (and stop it when false). */
  requestAttention(on: boolean): void
  windowFocused(): boolean
  doNotDisturb(): boolean
  inCall(): boolean
  onAction(action: CallAction): void
  onMissedChanged(count: number): void
  /** A plain notification was clicked. */
  onToastClick(): void
  /** Main's translator, in the user's language. */
  t: Translate
}

export interface Notifier {
  incoming(call: IncomingCall): RingDecision
  ended(callId: number): void
  missed(): readonly IncomingCall[]
  clearMissed(): void
  /** A plain notification (missed call, ...): not shown under do-not-disturb. */
  toast(toast: Toast): boolean
}

/** Raises the incoming-call notification the ring policy asks for and tracks what rings. */
export function createNotifier(deps: NotifierDeps): Notifier {
  const ringing = new Map<number, NotificationLike | null>()
  const missed: IncomingCall[] = []
  const byTag = new Map<string, NotificationLike>()

  return {
    incoming(call) {
      const plan = decideRing(call.callId, {
        doNotDisturb: deps.doNotDisturb(),
        inCall: deps.inCall(),
        ringing: new Set(ringing.keys()),
        windowFocused: deps.windowFocused(),
        notificationsSupported: deps.notificationsSupported(),
      })
      if (plan.recordMissed) {
        missed.push(call)
        deps.onMissedChanged(missed.length)
      }
      if (plan.reason === 'duplicate' || plan.reason === 'do_not_disturb') {
        return { ring: plan.ring, reason: plan.reason }
      }
      let notification: NotificationLike | null = null
      if (plan.notify) {
        const { t } = deps
        const name = { name: call.callerName }
        notification = deps.createNotification({
          title:
            plan.reason === 'busy'
              ? t('native.incoming.titleBusy', name)
              : t('native.incoming.title', name),
          body: t(call.callType === 'video' ? 'native.incoming.video' : 'native.incoming.audio'),
          silent: plan.silent,
          urgency: 'critical',
          timeoutType: 'never',
          actions: [
            { type: 'button', text: t('native.incoming.accept') },
            { type: 'button', text: t('native.incoming.decline') },
          ],
          closeButtonText: t('native.incoming.decline'),
        })
        notification.on('action', (_event, index) =>
          deps.onAction({ callId: call.callId, action: index === 0 ? 'accept' : 'decline' }),
        )
        notification.on('click', () => deps.onAction({ callId: call.callId, action: 'show' }))
        notification.show()
      }
      if (plan.attention) deps.requestAttention(true)
      ringing.set(call.callId, notification)
      return { ring: plan.ring, reason: plan.reason }
    },
    ended(callId) {
      const notification = ringing.get(callId)
      if (!ringing.delete(callId)) return
      notification?.close()
      if (ringing.size === 0) deps.requestAttention(false)
    },
    toast(toast) {
      if (deps.doNotDisturb() || !deps.notificationsSupported()) return false
      const notification = deps.createNotification({
        title: toast.title,
        body: toast.body,
        silent: false,
        actions: [],
      })
      if (toast.tag !== undefined) {
        byTag.get(toast.tag)?.close()
        byTag.set(toast.tag, notification)
        const tag = toast.tag
        notification.on('close', () => {
          if (byTag.get(tag) === notification) byTag.delete(tag)
        })
      }
      notification.on('click', () => deps.onToastClick())
      notification.show()
      return true
    },
    missed: () => [...missed],
    clearMissed() {
      missed.length = 0
      deps.onMissedChanged(0)
    },
  }
}
