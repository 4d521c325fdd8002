type ContextFactory = () => AudioContext

/**
 * Plays `schedule(ctx)`'s sound at `firstDelay` s from now, then every `periodMs`, until the
 * returned stop function is called. Silent (a no-op stop) where WebAudio is unavailable.
 */
function playPattern(
  createContext: ContextFactory,
  schedule: (ctx: AudioContext) => (at: number) => void,
  periodMs: number,
  firstDelay = 0.05,
): () => void {
  let ctx: AudioContext
  try {
    ctx = createContext()
  } catch {
    return () => undefined
  }
  const play = schedule(ctx)
  play(ctx.currentTime + firstDelay)
  const timer = setInterval(() => play(ctx.currentTime + 0.05), periodMs)
  void ctx.resume().catch(() => undefined)
  return () => {
    clearInterval(timer)
    void ctx.close().catch(() => undefined)
  }
}

/**
 * A ringtone synthesised with WebAudio (no audio file): two soft tones, repeated, fading in and
 * out so it never clicks. Returns a stop function.
 */
export function startRingtone(
  createContext: ContextFactory = () => new AudioContext(),
): () => void {
  return playPattern(
    createContext,
    (ctx) => {
      const master = ctx.createGain()
      master.gain.value = 0.18
      master.connect(ctx.destination)
      return (at) => {
        for (const [freq, offset] of [
          [880, 0],
          [660, 0.22],
          [880, 0.5],
          [660, 0.72],
        ] as const) {
          const osc = ctx.createOscillator()
          const gain = ctx.createGain()
          osc.type = 'sine'
          osc.frequency.value = freq
          const start = at + offset
          gain.gain.setValueAtTime(0, start)
          gain.gain.linearRampToValueAtTime(1, start + 0.02)
          gain.gain.exponentialRampToValueAtTime(0.001, start + 0.2)
          osc.connect(gain).connect(master)
          osc.start(start)
          osc.stop(start + 0.21)
        }
      }
    },
    2500,
  )
}

/**
 * The caller's ringback while the other side rings: one quiet 425 Hz tone, 1 s on and 3 s off
 * (the ETSI pattern most people know). Returns a stop function.
 */
export function startRingback(
  createContext: ContextFactory = () => new AudioContext(),
): () => void {
  return playPattern(
    createContext,
    (ctx) => (at) => {
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.frequency.value = 425
      gain.gain.setValueAtTime(0, at)
      gain.gain.linearRampToValueAtTime(0.08, at + 0.03)
      gain.gain.setValueAtTime(0.08, at + 0.97)
      gain.gain.linearRampToValueAtTime(0, at + 1)
      osc.connect(gain).connect(ctx.destination)
      osc.start(at)
      osc.stop(at + 1.01)
    },
    4000,
    0.3,
  )
}

/**
 * The cue when a call starts reconnecting: two short falling tones, once, so someone looking
 * away hears that the call is in trouble. Silent where WebAudio is unavailable.
 */
export function playReconnectCue(createContext: ContextFactory = () => new AudioContext()): void {
  let ctx: AudioContext
  try {
    ctx = createContext()
  } catch {
    return
  }
  const at = ctx.currentTime + 0.05
  for (const [freq, offset] of [
    [660, 0],
    [440, 0.25],
  ] as const) {
    const osc = ctx.createOscillator()
    const gain = ctx.createGain()
    osc.frequency.value = freq
    gain.gain.setValueAtTime(0, at + offset)
    gain.gain.linearRampToValueAtTime(0.12, at + offset + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.001, at + offset + 0.22)
    osc.connect(gain).connect(ctx.destination)
    osc.start(at + offset)
    osc.stop(at + offset + 0.23)
  }
  void ctx.resume().catch(() => undefined)
  setTimeout(() => void ctx.close().catch(() => undefined), 800)
}
