/**
 * A ringtone synthesised with WebAudio (no audio file): two soft tones, repeated, fading in and
 * out so it never clicks. Returns a stop function.
 */
export function startRingtone(
  createContext: () => AudioContext = () => new AudioContext(),
): () => void {
  let ctx: AudioContext
  try {
    ctx = createContext()
  } catch {
    return () => undefined
  }
  const master = ctx.createGain()
  master.gain.value = 0.18
  master.connect(ctx.destination)
  const ring = (at: number): void => {
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
  ring(ctx.currentTime + 0.05)
  const timer = setInterval(() => ring(ctx.currentTime + 0.05), 2500)
  void ctx.resume().catch(() => undefined)
  return () => {
    clearInterval(timer)
    void ctx.close().catch(() => undefined)
  }
}

/**
 * The caller's ringback while the other side rings: one quiet 425 Hz tone, 1 s on and 3 s off
 * (the ETSI pattern most people know). Returns a stop function.
 */
export function startRingback(
  createContext: () => AudioContext = () => new AudioContext(),
): () => void {
  let ctx: AudioContext
  try {
    ctx = createContext()
  } catch {
    return () => undefined
  }
  const beep = (at: number): void => {
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
  }
  beep(ctx.currentTime + 0.3)
  const timer = setInterval(() => beep(ctx.currentTime + 0.05), 4000)
  void ctx.resume().catch(() => undefined)
  return () => {
    clearInterval(timer)
    void ctx.close().catch(() => undefined)
  }
}
