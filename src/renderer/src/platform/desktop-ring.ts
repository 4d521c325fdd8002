import type { IncomingCall, RingDecision, VeracallApi } from '../../../shared/ipc-contract.js'
import type { Platform } from './platform.js'

/**
 * Asks main whether to ring for an incoming call (it also raises the OS notification and applies
 * do-not-disturb). If main cannot answer, ring anyway: a silent miss is the worse failure.
 */
export async function askMainToRing(api: VeracallApi, call: IncomingCall): Promise<RingDecision> {
  try {
    const result = await api.callIncoming(call)
    if (result.ok) return result.value
    console.warn(`call:incoming refused: ${result.error.code}`)
  } catch (err) {
    console.warn('call:incoming failed', err)
  }
  return { ring: true, reason: 'ring' }
}

/** The desktop app's ringing: main notifies and decides; the page's wording is not used. */
export function ringThroughMain(api: VeracallApi): Platform['ring'] {
  return async (call) => (await askMainToRing(api, call)).ring
}
