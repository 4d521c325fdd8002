/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Per-stage timeline of one call set-up, recorded inside each page by wrapping the browser APIs
 * the app uses (getUserMedia, fetch, WebSocket, RTCPeerConnection), so the app carries no bench
 * code and the stages are what the browser actually did. Times are epoch ms (both pages share
 * the machine's clock), reported relative to the click on "Video call" on the caller's side.
 */
import type { Page } from 'playwright-core'

/** Stage names, in the order they are printed. */
export const STAGES = [
  'ring',
  'accept',
  'camera',
  'rest',
  'socketOpen',
  'peerJoined',
  'pc',
  'offerMade',
  'offer',
  'offerApplied',
  'answerMade',
  'answer',
  'ice',
  'connected',
  'firstFrame',
] as const
export type Stage = (typeof STAGES)[number]

export interface Timeline {
  marks: Partial<Record<Stage, number>>
  /** Offers this page's RTCPeerConnections created (the callee should create none). */
  offersCreated: number
  /** Remote offers applied over a local offer: a glare, which perfect negotiation rolled back. */
  rollbacks: number
}

/**
 * Installed with `context.addInitScript` before the app loads. Each stage keeps its first time
 * after `__vcTimeline.reset()`; "offer" and "answer" are the wire times (sent by the side that
 * makes it, received by the other), which is what the other side waits for.
 */
export function installTimeline(): void {
  const now = (): number => performance.timeOrigin + performance.now()
  const state: Timeline = { marks: {}, offersCreated: 0, rollbacks: 0 }
  const mark = (stage: Stage): void => {
    state.marks[stage] ??= now()
  }
  const w = window as unknown as {
    __vcTimeline: { read(): Timeline; reset(): void; mark(stage: Stage): void }
  }
  w.__vcTimeline = {
    read: () => JSON.parse(JSON.stringify(state)) as Timeline,
    reset: () => {
      state.marks = {}
      state.offersCreated = 0
      state.rollbacks = 0
    },
    mark,
  }

  const media = navigator.mediaDevices
  const getUserMedia = media.getUserMedia.bind(media)
  media.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints)
    mark('camera')
    return stream
  }

  const nativeFetch = window.fetch.bind(window)
  window.fetch = async (input, init) => {
    const res = await nativeFetch(input, init)
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (/\/api\/v1\/calls\/(start|accept)$/.test(new URL(url, location.href).pathname)) mark('rest')
    return res
  }

  const typeOf = (data: unknown): string => {
    try {
      return typeof data === 'string' ? String((JSON.parse(data) as { type?: unknown }).type) : ''
    } catch {
      return ''
    }
  }
  const NativeSocket = window.WebSocket
  class TimedSocket extends NativeSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols)
      if (!String(url).includes('/ws/call/')) return
      this.addEventListener('open', () => mark('socketOpen'))
      this.addEventListener('message', (e: MessageEvent) => {
        const type = typeOf(e.data)
        if (type === 'peer_joined') mark('peerJoined')
        if (type === 'offer') mark('offer')
        if (type === 'answer') mark('answer')
      })
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      const type = typeOf(data)
      if (type === 'offer') mark('offer')
      if (type === 'answer') mark('answer')
      super.send(data)
    }
  }
  window.WebSocket = TimedSocket

  const NativePeer = window.RTCPeerConnection
  class TimedPeer extends NativePeer {
    constructor(config?: RTCConfiguration) {
      super(config)
      mark('pc')
      this.addEventListener('iceconnectionstatechange', () => {
        if (this.iceConnectionState === 'connected' || this.iceConnectionState === 'completed')
          mark('ice')
      })
      // DTLS done: media may flow.
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') mark('connected')
      })
    }
    override async setLocalDescription(description?: RTCLocalSessionDescriptionInit) {
      await super.setLocalDescription(description)
      if (this.localDescription?.type === 'offer') state.offersCreated += 1
      mark(this.localDescription?.type === 'offer' ? 'offerMade' : 'answerMade')
    }
    override async setRemoteDescription(description: RTCSessionDescriptionInit) {
      if (description.type === 'offer' && this.signalingState === 'have-local-offer')
        state.rollbacks += 1
      await super.setRemoteDescription(description)
      if (description.type === 'offer') mark('offerApplied')
    }
  }
  window.RTCPeerConnection = TimedPeer
}

export const resetTimeline = (page: Page): Promise<void> =>
  page.evaluate(() => {
    ;(window as unknown as { __vcTimeline: { reset(): void } }).__vcTimeline.reset()
  })

export const markStage = (page: Page, stage: Stage): Promise<void> =>
  page.evaluate((s) => {
    ;(window as unknown as { __vcTimeline: { mark(stage: string): void } }).__vcTimeline.mark(s)
  }, stage)

export const readTimeline = (page: Page): Promise<Timeline> =>
  page.evaluate(() =>
    (window as unknown as { __vcTimeline: { read(): Timeline } }).__vcTimeline.read(),
  )

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

/**
 * A table of median stage times (ms after the click) per side, over the calls given, with the
 * offers each side created and the glares it rolled back.
 */
export function formatTimelines(
  calls: { clickAt: number; caller: Timeline; callee: Timeline }[],
): string {
  const cell = (side: 'caller' | 'callee', stage: Stage): string => {
    const xs = calls
      .map((c) => (c[side].marks[stage] ?? NaN) - c.clickAt)
      .filter((x) => Number.isFinite(x))
    return xs.length ? median(xs).toFixed(0).padStart(7) : '      –'
  }
  const rows = STAGES.map(
    (stage) => `  ${stage.padEnd(11)} ${cell('caller', stage)} ${cell('callee', stage)}`,
  )
  const total = (side: 'caller' | 'callee', key: 'offersCreated' | 'rollbacks'): number =>
    calls.reduce((n, c) => n + c[side][key], 0)
  return [
    `per-stage timeline, median ms after the click (n=${calls.length}):`,
    `  stage        caller  callee`,
    ...rows,
    `  offers created: caller ${total('caller', 'offersCreated')}, callee ${total('callee', 'offersCreated')}; ` +
      `glare rollbacks: caller ${total('caller', 'rollbacks')}, callee ${total('callee', 'rollbacks')}`,
  ].join('\n')
}
