/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The floor as the app is measured: two peers in two pages (two renderers, like the two apps),
 * each opening its own camera after the start, offer/answer and trickle candidates over a
 * BroadcastChannel (no server), done when BOTH pages have rendered the other's first frame.
 * `halfResolution` starts each camera's sender at half resolution, as the app does
 * (src/renderer/src/call/first-frame.ts), to show what is left of the gap once both have it.
 */
import type { Browser, Page } from 'playwright-core'

export interface FloorPages {
  offerer: Page
  answerer: Page
  close(): Promise<void>
}

/** Two pages of one new context at `url` (same origin: a BroadcastChannel joins them). */
export async function openFloorPages(browser: Browser, url: string): Promise<FloorPages> {
  const context = await browser.newContext({
    viewport: { width: 1200, height: 760 },
    permissions: ['camera', 'microphone'],
  })
  await context.addInitScript({ content: 'globalThis.__name ??= (f) => f' })
  const [offerer, answerer] = [await context.newPage(), await context.newPage()]
  await Promise.all([offerer.goto(url), answerer.goto(url)])
  return { offerer, answerer, close: () => context.close() }
}

/** One exchange both ways; ms from the start until the later of the two first frames. */
export async function bareBothWays(pages: FloorPages, halfResolution: boolean): Promise<number> {
  const id = Math.random().toString(36).slice(2)
  const answered = pages.answerer.evaluate(peer, { role: 'answerer' as const, id, halfResolution })
  // The answerer is listening before the offerer starts.
  await pages.answerer.evaluate(() => new Promise((r) => setTimeout(r, 0)))
  const [offerer, answerer] = await Promise.all([
    pages.offerer.evaluate(peer, { role: 'offerer' as const, id, halfResolution }),
    answered,
  ])
  return Math.max(offerer.firstFrame, answerer.firstFrame) - offerer.start
}

/** In-page: one side of the exchange. Times are epoch ms (both pages share the clock). */
function peer(opts: {
  role: 'offerer' | 'answerer'
  id: string
  halfResolution: boolean
}): Promise<{ start: number; firstFrame: number }> {
  const now = (): number => performance.timeOrigin + performance.now()
  const channel = new BroadcastChannel(`floor-${opts.id}`)
  const post = (m: unknown): void => channel.postMessage(JSON.parse(JSON.stringify(m)))
  const pc = new RTCPeerConnection({ iceServers: [] })
  pc.onicecandidate = (e) => {
    if (e.candidate) post({ candidate: e.candidate.toJSON() })
  }
  const video = document.createElement('video')
  video.muted = true
  video.autoplay = true
  video.playsInline = true
  document.body.append(video)
  let start = 0
  const firstFrame = new Promise<number>((resolve) => {
    pc.ontrack = (e) => {
      if (e.track.kind !== 'video') return
      video.srcObject = e.streams[0] ?? new MediaStream([e.track])
      video.requestVideoFrameCallback(() => resolve(now()))
      void video.play()
    }
  })
  const camera = (): Promise<MediaStream> =>
    navigator.mediaDevices.getUserMedia({
      audio: true,
      video: { width: { ideal: 1280 }, height: { ideal: 720 } },
    })
  const addTracks = async (stream: MediaStream): Promise<void> => {
    for (const track of stream.getTracks()) {
      const sender = pc.addTrack(track, stream)
      if (!opts.halfResolution || track.kind !== 'video') continue
      const params = sender.getParameters()
      for (const encoding of params.encodings) encoding.scaleResolutionDownBy = 2
      await sender.setParameters(params)
    }
  }
  const pending: RTCIceCandidateInit[] = []
  const addCandidate = (c: RTCIceCandidateInit): void => {
    if (pc.remoteDescription) void pc.addIceCandidate(c)
    else pending.push(c)
  }
  const applyRemote = async (d: RTCSessionDescriptionInit): Promise<void> => {
    await pc.setRemoteDescription(d)
    for (const c of pending.splice(0)) void pc.addIceCandidate(c)
  }
  const done = async (
    stream: Promise<MediaStream>,
  ): Promise<{ start: number; firstFrame: number }> => {
    const frame = await firstFrame
    ;(await stream).getTracks().forEach((t) => t.stop())
    pc.close()
    video.remove()
    channel.close()
    return { start, firstFrame: frame }
  }
  if (opts.role === 'answerer') {
    return new Promise((resolve) => {
      let stream: Promise<MediaStream> | null = null
      channel.onmessage = async (e: MessageEvent) => {
        const m = e.data as {
          start?: number
          offer?: RTCSessionDescriptionInit
          candidate?: RTCIceCandidateInit
        }
        // The camera opens at the start, in parallel with the other side's.
        if (m.start !== undefined) {
          start = m.start
          stream = camera()
          resolve(done(stream))
        }
        if (m.candidate) addCandidate(m.candidate)
        if (m.offer && stream) {
          const [local] = await Promise.all([stream, applyRemote(m.offer)])
          await addTracks(local)
          await pc.setLocalDescription()
          post({ answer: pc.localDescription?.toJSON() })
        }
      }
    })
  }
  start = now()
  post({ start })
  channel.onmessage = (e: MessageEvent) => {
    const m = e.data as { answer?: RTCSessionDescriptionInit; candidate?: RTCIceCandidateInit }
    if (m.candidate) addCandidate(m.candidate)
    if (m.answer) void applyRemote(m.answer)
  }
  const stream = camera()
  void (async () => {
    await addTracks(await stream)
    await pc.setLocalDescription()
    post({ offer: pc.localDescription?.toJSON() })
  })()
  return done(stream)
}
