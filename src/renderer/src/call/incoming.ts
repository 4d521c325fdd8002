import type { Call, User } from 'veracall-signaling/protocol'
import { CALLER_NAME_MAX_LENGTH } from '../../../shared/ipc-contract.js'
import type { Platform } from '../platform/platform.js'
import { nameOf } from '../store/selectors.js'

/**
 * Hands a call ringing here to the platform, which announces it and decides (do-not-disturb,
 * busy) whether the ringtone sounds; resolves to that decision.
 */
export function announceIncoming(
  platform: Platform,
  t: (key: string, vars?: Record<string, string>) => string,
  call: Call,
  caller: User,
): Promise<boolean> {
  const name = nameOf(caller)
  return platform.ring(
    {
      callId: call.id,
      callerName: name.slice(0, CALLER_NAME_MAX_LENGTH) || caller.username,
      callType: call.call_type,
    },
    {
      title: t('notify.incomingTitle'),
      body: t(call.call_type === 'video' ? 'notify.incomingVideo' : 'notify.incomingAudio', {
        name,
      }),
      tag: `call-${call.id}`,
    },
  )
}
