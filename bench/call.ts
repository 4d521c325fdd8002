/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Call set-up time on loopback: from the click on "Video call" on A until the first remote video
 * frame has been rendered on both A and B (B accepts the moment the ring appears), next to a bare
 * two-RTCPeerConnection exchange in the same page (the floor: getUserMedia, offer/answer, ICE,
 * DTLS, first frame, with no server in between). Median and p95 over CALLS runs, the ratio of
 * medians, and where the time goes: each side's stages (camera, REST, room socket open, offer,
 * answer, ICE connected, first frame) as medians after the click, with the offers each side
 * created and the glares perfect negotiation had to roll back.
 *
 *   npm run bench:call            (CALLS=10 npm run bench:call for more runs)
 */
import type { Page } from 'playwright-core'
import {
  chromiumAvailable,
  launchChromium,
  registerPerson,
  startStack,
  type Person,
} from '../tests/e2e/harness.js'
import {
  formatTimelines,
  installTimeline,
  readTimeline,
  resetTimeline,
  type Timeline,
} from './lib/call-timeline.js'

const CALLS = Math.max(5, Number(process.env.CALLS ?? 7))

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN
}
const fmt = (xs: number[]): string =>
  `median ${percentile(xs, 50).toFixed(0)} ms, p95 ${percentile(xs, 95).toFixed(0)} ms (n=${xs.length})`

/** In-page: records (epoch ms) the first rendered frame of the remote video of the next call. */
function armFirstFrame(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { __firstFrame?: number; __clickAt?: number }
    delete w.__firstFrame
    delete w.__clickAt
    const now = (): number => performance.timeOrigin + performance.now()
    document.addEventListener(
      'click',
      (e) => {
        const target = e.target as Element | null
        if (target?.closest('button[aria-label^="Video call with"]')) w.__clickAt = now()
      },
      { capture: true, once: true },
    )
    const watch = (): void => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="remote-video"]')
      if (v) {
        v.requestVideoFrameCallback(() => {
          w.__firstFrame = now()
          ;(window as unknown as { __vcTimeline: { mark(s: string): void } }).__vcTimeline.mark(
            'firstFrame',
          )
        })
        return
      }
      requestAnimationFrame(watch)
    }
    watch()
  })
}

/** In-page: accepts the next incoming call the moment it rings (no test-driver latency). */
function armAutoAccept(page: Page): Promise<void> {
  return page.evaluate(() => {
    const timeline = (window as unknown as { __vcTimeline: { mark(s: string): void } }).__vcTimeline
    const tryAccept = (): void => {
      const b = document.querySelector<HTMLButtonElement>('button[aria-label="Accept"]')
      if (b) {
        timeline.mark('ring')
        b.click()
        timeline.mark('accept')
      } else requestAnimationFrame(tryAccept)
    }
    tryAccept()
  })
}

const read = (page: Page, key: '__firstFrame' | '__clickAt'): Promise<number | undefined> =>
  page.evaluate((k) => (window as unknown as Record<string, number | undefined>)[k], key)

interface CallRun {
  ms: number
  clickAt: number
  caller: Timeline
  callee: Timeline
}

async function oneCall(a: Person, b: Person): Promise<CallRun> {
  await Promise.all([resetTimeline(a.page), resetTimeline(b.page)])
  await Promise.all([armFirstFrame(a.page), armFirstFrame(b.page), armAutoAccept(b.page)])
  await a.page
    .getByRole('list', { name: 'People' })
    .getByRole('button', { name: `Video call with ${b.displayName}` })
    .click()
  for (const p of [a.page, b.page]) {
    await p.waitForFunction(
      () => (window as unknown as { __firstFrame?: number }).__firstFrame,
      null,
      {
        timeout: 30_000,
      },
    )
  }
  const clickAt = (await read(a.page, '__clickAt')) ?? NaN
  const done = Math.max(
    (await read(a.page, '__firstFrame')) ?? NaN,
    (await read(b.page, '__firstFrame')) ?? NaN,
  )
  const [caller, callee] = await Promise.all([readTimeline(a.page), readTimeline(b.page)])
  await a.page.getByRole('button', { name: 'Hang up' }).click()
  for (const p of [a.page, b.page]) {
    await p.getByRole('button', { name: 'Done' }).click()
    await p.getByRole('navigation', { name: 'Main' }).waitFor()
  }
  return { ms: done - clickAt, clickAt, caller, callee }
}

/**
 * The floor: two RTCPeerConnections in one page, same fake camera, no server. `halfResolution`
 * starts the camera's sender at half resolution, as the app does (first-frame.ts), to show how
 * much of the gap that start closes by itself.
 */
function bareExchange(
  page: Page,
  halfResolution = false,
): Promise<{ ms: number; connected: number }> {
  return page.evaluate(async (halfResolution) => {
    const now = (): number => performance.now()
    const t0 = now()
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: true,
      video: { width: { ideal: 1280 }, height: { ideal: 720 } },
    })
    const pc1 = new RTCPeerConnection({ iceServers: [] })
    const pc2 = new RTCPeerConnection({ iceServers: [] })
    pc1.onicecandidate = (e) => void (e.candidate && pc2.addIceCandidate(e.candidate))
    pc2.onicecandidate = (e) => void (e.candidate && pc1.addIceCandidate(e.candidate))
    let connected = NaN
    pc2.onconnectionstatechange = () => {
      if (pc2.connectionState === 'connected') connected = now() - t0
    }
    const video = document.createElement('video')
    video.muted = true
    video.autoplay = true
    video.playsInline = true
    document.body.append(video)
    const first = new Promise<number>((resolve) => {
      pc2.ontrack = (e) => {
        if (e.track.kind !== 'video') return
        video.srcObject = e.streams[0] ?? new MediaStream([e.track])
        video.requestVideoFrameCallback(() => resolve(now()))
        void video.play()
      }
    })
    for (const t of stream.getTracks()) {
      const sender = pc1.addTrack(t, stream)
      if (!halfResolution || t.kind !== 'video') continue
      const params = sender.getParameters()
      for (const encoding of params.encodings) encoding.scaleResolutionDownBy = 2
      await sender.setParameters(params)
    }
    await pc1.setLocalDescription()
    await pc2.setRemoteDescription(pc1.localDescription as RTCSessionDescription)
    await pc2.setLocalDescription()
    await pc1.setRemoteDescription(pc2.localDescription as RTCSessionDescription)
    const t1 = await first
    stream.getTracks().forEach((t) => t.stop())
    pc1.close()
    pc2.close()
    video.remove()
    return { ms: t1 - t0, connected }
  }, halfResolution)
}

async function main(): Promise<void> {
  if (!chromiumAvailable()) {
    console.log('SKIPPED bench:call: /usr/bin/chromium not found')
    return
  }
  const [stack, browser] = await Promise.all([startStack(), launchChromium()])
  try {
    const a = await registerPerson(browser, stack.url, 'Bench Alice', {
      initScript: installTimeline,
    })
    const b = await registerPerson(browser, stack.url, 'Bench Bob', { initScript: installTimeline })
    await a.page.getByLabel('Search people').fill(b.username)
    await a.page.getByRole('list', { name: 'People' }).getByRole('button').first().waitFor()
    // One warm-up of each, not counted (first getUserMedia, codec init).
    await oneCall(a, b)
    await bareExchange(a.page)
    const runs: CallRun[] = []
    const bareRuns: { ms: number; connected: number }[] = []
    const halfRuns: number[] = []
    for (let i = 0; i < CALLS; i++) {
      runs.push(await oneCall(a, b))
      bareRuns.push(await bareExchange(a.page))
      halfRuns.push((await bareExchange(a.page, true)).ms)
    }
    const bare = bareRuns.map((r) => r.ms)
    const app = runs.map((r) => r.ms)
    const ratio = percentile(app, 50) / percentile(bare, 50)
    console.log(`call set-up, click "Video call" → first remote frame on both sides: ${fmt(app)}`)
    console.log(`bare 2×RTCPeerConnection in one page (floor):                     ${fmt(bare)}`)
    console.log(`ratio of medians (app / floor): ${ratio.toFixed(2)}×`)
    console.log(
      `  the floor with its camera starting at half resolution, as the app's: ${fmt(halfRuns)}; ` +
        `app / it ${(percentile(app, 50) / percentile(halfRuns, 50)).toFixed(2)}×`,
    )
    console.log(
      `runs (ms): app [${app.map((x) => x.toFixed(0)).join(', ')}], bare [${bare.map((x) => x.toFixed(0)).join(', ')}]`,
    )
    console.log(formatTimelines(runs))
    console.log(
      `  floor: connected ${percentile(
        bareRuns.map((r) => r.connected),
        50,
      ).toFixed(0)} ms, first frame ${percentile(bare, 50).toFixed(0)} ms after getUserMedia`,
    )
  } finally {
    await browser.close()
    await stack.stop()
  }
}

await main()
