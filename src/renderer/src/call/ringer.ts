import { startRingback, startRingtone } from './ringtone.js'

/** The one sound a call makes at a time: the ringtone (ringing here) or the ringback (calling). */
export class Ringer {
  private stopSound: (() => void) | null = null

  /** `ringtone` starts the incoming-call sound and returns its stop function (tests fake it). */
  constructor(private readonly ringtone: () => () => void = startRingtone) {}

  ring(): void {
    this.stop()
    this.stopSound = this.ringtone()
  }

  ringback(): void {
    this.stop()
    this.stopSound = startRingback()
  }

  stop(): void {
    this.stopSound?.()
    this.stopSound = null
  }
}
