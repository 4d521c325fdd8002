/** How long media may stay down after a call connected before the call ends (issue 12). */
export const RECONNECT_BOUND_MS = 20_000

/** Why the call is reconnecting: its media path, the other person's app, or our room socket. */
export type ReconnectCause = 'media' | 'peer' | 'signaling'

export interface ReconnectClock {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface ReconnectInputs {
  media: RTCPeerConnectionState | 'new'
  /** The other person's app is in the room (peer_left makes it false, peer_joined true). */
  peerPresent: boolean
  /** Our room socket is open. */
  signalingOpen: boolean
}

export const systemClock: ReconnectClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
}

/**
 * Decides, from a connected call's media, room and peer states, whether it is reconnecting and
 * why, and gives up when media stays down for `boundMs`. Only media counts for the bound: a room
 * socket that drops while media flows is shown, not ended (media keeps the call alive).
 */
export class ReconnectWatch {
  private connectedOnce = false
  private cause: ReconnectCause | null = null
  private timer: unknown = null
  private stopped = false
  private inputs: ReconnectInputs = { media: 'new', peerPresent: true, signalingOpen: true }

  constructor(
    private readonly opts: {
      onChange: (cause: ReconnectCause | null) => void
      onGiveUp: () => void
      boundMs?: number
      clock?: ReconnectClock
    },
  ) {}

  update(patch: Partial<ReconnectInputs>): void {
    if (this.stopped) return
    this.inputs = { ...this.inputs, ...patch }
    const { media, peerPresent, signalingOpen } = this.inputs
    if (media === 'connected') this.connectedOnce = true
    // Before the first connection, setting up is "connecting", not "reconnecting".
    if (!this.connectedOnce) return
    const mediaDown = media !== 'connected'
    const cause: ReconnectCause | null = !peerPresent
      ? 'peer'
      : mediaDown
        ? 'media'
        : !signalingOpen
          ? 'signaling'
          : null
    if (mediaDown && this.timer === null) {
      const clock = this.opts.clock ?? systemClock
      this.timer = clock.setTimeout(() => {
        this.timer = null
        this.stop()
        this.opts.onGiveUp()
      }, this.opts.boundMs ?? RECONNECT_BOUND_MS)
    } else if (!mediaDown) {
      this.clearTimer()
    }
    if (cause !== this.cause) {
      this.cause = cause
      this.opts.onChange(cause)
    }
  }

  get reconnecting(): ReconnectCause | null {
    return this.cause
  }

  stop(): void {
    this.stopped = true
    this.clearTimer()
  }

  private clearTimer(): void {
    if (this.timer === null) return
    ;(this.opts.clock ?? systemClock).clearTimeout(this.timer)
    this.timer = null
  }
}
