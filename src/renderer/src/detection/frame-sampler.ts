/**
 * Samples the remote video for the detector: requestVideoFrameCallback when the browser has it
 * (one callback per decoded frame), a timer otherwise; draws to a canvas at ≤ MAX_FRAME_SIDE px
 * on the long side and hands the RGBA bytes to the DetectionPort. One frame in flight at a time,
 * at the rate `rate()` says: main's, as main last told it (see CallDetection). No frame is kept
 * once sent.
 */
import type { DetectionPort } from '../../../shared/detection.js'
import { fitWithin } from './frame-geometry.js'

export interface Sampler {
  stop(): void
}

type FrameCallbackVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: () => void) => number
  cancelVideoFrameCallback?: (handle: number) => void
}

export function startSampler(opts: {
  video: HTMLVideoElement
  callId: number
  port: DetectionPort
  /** Frames per second wanted now. */
  rate: () => number
  now?: () => number
}): Sampler {
  const video = opts.video as FrameCallbackVideo
  const now = opts.now ?? (() => Date.now())
  const canvas =
    typeof OffscreenCanvas !== 'undefined'
      ? new OffscreenCanvas(1, 1)
      : Object.assign(document.createElement('canvas'), { width: 1, height: 1 })
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as
    CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null
  let stopped = false
  let inFlight = false
  let last = 0
  let handle: number | null = null
  let timer: ReturnType<typeof setInterval> | null = null

  const grab = (): void => {
    if (stopped || inFlight || !ctx) return
    const t = now()
    if (t - last < 1000 / opts.rate()) return
    if (video.readyState < 2 || video.videoWidth === 0) return
    const [w, h] = fitWithin(video.videoWidth, video.videoHeight)
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w
      canvas.height = h
    }
    ctx.drawImage(video, 0, 0, w, h)
    const data = ctx.getImageData(0, 0, w, h).data.buffer
    last = t
    inFlight = true
    opts.port
      .submitFrame({ callId: opts.callId, width: w, height: h, timestampMs: t, data })
      .catch(() => undefined) // the port reports unavailability through status/risk updates
      .finally(() => {
        inFlight = false
      })
  }

  const onVideoFrame = (): void => {
    if (stopped) return
    grab()
    handle = video.requestVideoFrameCallback?.(onVideoFrame) ?? null
  }
  if (typeof video.requestVideoFrameCallback === 'function') {
    handle = video.requestVideoFrameCallback(onVideoFrame)
  } else {
    timer = setInterval(grab, 50)
  }

  return {
    stop() {
      stopped = true
      if (handle !== null) video.cancelVideoFrameCallback?.(handle)
      if (timer !== null) clearInterval(timer)
    },
  }
}
