/** Test photos shipped by an npm package (so the tests run on a fresh clone), decoded with sharp. */
import { createRequire } from 'node:module'
import path from 'node:path'
import sharp from 'sharp'
import type { FrameInput } from '../../../src/shared/detection.js'

const require = createRequire(import.meta.url)
const demoDir = path.join(
  path.dirname(require.resolve('@vladmandic/face-api/package.json')),
  'demo',
)

export interface RgbaFrame {
  data: Uint8Array
  width: number
  height: number
}

/** A face-api demo photo scaled to fit 640×640, as the renderer's sampler would send it. */
export async function demoPhoto(name: string, maxSide = 640): Promise<RgbaFrame> {
  const { data, info } = await sharp(path.join(demoDir, name))
    .resize(maxSide, maxSide, { fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
  return { data: new Uint8Array(data), width: info.width, height: info.height }
}

/** The photo as a frame request: its own copy of the pixels, since each request transfers (detaches) it. */
export function frameOf(img: RgbaFrame): Pick<FrameInput, 'width' | 'height' | 'data'> {
  return { width: img.width, height: img.height, data: img.data.slice().buffer }
}

/** A demo photo as one frame of call `callId`, ready for a DetectionPort or detector host. */
export async function demoFrame(
  callId: number,
  name: string,
  timestampMs = 0,
): Promise<FrameInput> {
  return { callId, timestampMs, ...frameOf(await demoPhoto(name)) }
}

/** Narrows an indexed value for a test, failing loudly instead of asserting non-null. */
export function must<T>(value: T | undefined | null, what = 'value'): T {
  if (value === undefined || value === null) throw new Error(`missing ${what}`)
  return value
}
