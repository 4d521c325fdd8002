import type { VerificationRecord } from '../../../shared/detection.js'
import { verificationCode } from '../../../shared/verification-code.js'
import type { AppStore } from '../store/index.js'
import { IDLE_VERIFICATION } from '../store/slices/verification.js'

/** What the code is read from: the connection's descriptions and the events that change them. */
export type DescribedConnection = Pick<
  RTCPeerConnection,
  | 'localDescription'
  | 'remoteDescription'
  | 'signalingState'
  | 'addEventListener'
  | 'removeEventListener'
>

/**
 * The verification code of the current call: computed from the connection's local and remote
 * descriptions (both DTLS fingerprints) once an offer/answer exchange completes, so both people
 * see it as soon as there is one to compare (a call whose fingerprint was swapped in transit
 * never connects, and that is exactly when the codes differ). The person's "matches / doesn't
 * match" goes into the call's security report.
 */
export class CallVerification {
  private callId: number | null = null
  private detach: (() => void) | null = null

  constructor(
    private readonly deps: {
      store: AppStore
      /** When a choice is made (injectable for tests). */
      now?: () => number
    },
  ) {}

  /** A call's connection exists: follow its descriptions. */
  begin(callId: number, pc: DescribedConnection): void {
    this.finish()
    this.callId = callId
    const update = (): void => void this.update(callId, pc)
    pc.addEventListener('signalingstatechange', update)
    pc.addEventListener('connectionstatechange', update)
    this.detach = () => {
      pc.removeEventListener('signalingstatechange', update)
      pc.removeEventListener('connectionstatechange', update)
    }
  }

  /** The person compared the code: keep what they said, for this call, in its report. */
  choose(result: VerificationRecord['result']): void {
    const { store } = this.deps
    const { verification, recordVerification, setVerification } = store.getState()
    if (this.callId === null || verification.code === null) return
    setVerification({ ...verification, choice: result })
    recordVerification(this.callId, {
      code: verification.code,
      result,
      at: (this.deps.now ?? Date.now)(),
    })
  }

  finish(): void {
    this.detach?.()
    this.detach = null
    this.callId = null
    this.deps.store.getState().setVerification(IDLE_VERIFICATION)
  }

  private async update(callId: number, pc: DescribedConnection): Promise<void> {
    const local = pc.localDescription?.sdp
    const remote = pc.remoteDescription?.sdp
    // Mid-exchange (one side only, or a pending offer) there is nothing final to show.
    if (!local || !remote || pc.signalingState !== 'stable') return
    const { store } = this.deps
    try {
      const code = await verificationCode(local, remote)
      if (this.callId !== callId) return
      const current = store.getState().verification
      // A renegotiation keeps the certificates, so the code and the choice already made.
      if (current.code !== code)
        store.getState().setVerification({ code, failed: false, choice: null })
    } catch (err) {
      if (this.callId !== callId) return
      console.warn(`[call ${callId}] no verification code: ${String(err)}`)
      store.getState().setVerification({ code: null, failed: true, choice: null })
    }
  }
}
