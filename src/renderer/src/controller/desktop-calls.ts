import type { IncomingCall, RingDecision, VeracallApi } from '../../../shared/ipc-contract.js'
import type { AppStore } from '../store/index.js'
import type { CallPhase } from '../store/slices/call.js'

/** Phases in which the person is on a call: main treats a new call as busy, the tray says so. */
const BUSY: ReadonlySet<CallPhase> = new Set(['outgoing', 'connecting', 'active'])

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

/**
 * Keeps main told about the call state, from the store alone so every path (accept, decline,
 * hang-up, missed, failure) is covered: when an incoming call stops ringing (`call:ringEnded`,
 * which withdraws the notification) and when the person is or is no longer on a call
 * (`call:setActive`: busy policy, "in a call" tray icon). Returns the unsubscribe function.
 */
export function syncCallStateToMain(store: AppStore, api: VeracallApi): () => void {
  const report = (what: string, result: Promise<{ ok: boolean }>): void => {
    void result.then(
      (r) => !r.ok && console.warn(`${what} refused`),
      (err: unknown) => console.warn(`${what} failed`, err),
    )
  }
  let ringingId: number | null = null
  let active = BUSY.has(store.getState().phase)
  // A reloaded renderer starts idle: main may still think a call is on.
  report('call:setActive', api.callSetActive(active))
  const apply = (phase: CallPhase, callId: number | null): void => {
    const nowRinging = phase === 'incoming' ? callId : null
    if (ringingId !== null && ringingId !== nowRinging)
      report('call:ringEnded', api.callRingEnded(ringingId))
    ringingId = nowRinging
    const nowActive = BUSY.has(phase)
    if (nowActive !== active) report('call:setActive', api.callSetActive(nowActive))
    active = nowActive
  }
  apply(store.getState().phase, store.getState().call?.id ?? null)
  return store.subscribe((s) => apply(s.phase, s.call?.id ?? null))
}
