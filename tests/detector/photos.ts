/** Test photos shipped by an npm package (so the tests run on a fresh clone), decoded with sharp. */
import { createRequire } from 'node:module'
import path from 'node:path'
import sharp from 'sharp'

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

/** Narrows an indexed value for a test, failing loudly instead of asserting non-null. */
export function must<T>(value: T | undefined | null, what = 'value'): T {
  if (value === undefined || value === null) throw new Error(`missing ${what}`)
  return value
}
