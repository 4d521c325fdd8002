import { readFile } from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { toPlanarTensor } from '../../../src/main/detector/align.js'
import { FaceClassifier } from '../../../src/main/detector/classifier.js'

const FIX = path.resolve('tests/fixtures/detector/parity')
const MODEL = path.resolve('resources/models')

/** Same integer-hash pattern as ml/export.py's pattern(): exact in both languages. */
function pattern(size: number): Float32Array {
  const out = new Float32Array(3 * size * size)
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < size; i++)
      for (let j = 0; j < size; j++)
        out[(c * size + i) * size + j] = ((i * 7919 + j * 104729 + c * 15485863) % 1000) / 999
  return out
}

describe('shipped default model: onnxruntime-node matches torch', () => {
  it('gives the logits torch gave on the stored references', async () => {
    const ref = JSON.parse(await readFile(path.join(FIX, 'reference.json'), 'utf8')) as {
      version: string
      logits: number[]
    }
    const clf = await FaceClassifier.load(MODEL)
    try {
      expect(clf.info.version).toBe(ref.version)
      const size = clf.info.inputSize
      const { data, info } = await sharp(path.join(FIX, 'face-crop.png'))
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true })
      expect([info.width, info.height]).toEqual([size, size])
      const inputs = [toPlanarTensor(new Uint8Array(data), size), pattern(size)]
      const got = await Promise.all(inputs.map(async (x) => (await clf.classify(x)).logit))
      expect(got).toHaveLength(ref.logits.length)
      got.forEach((g, i) => expect(Math.abs(g - (ref.logits[i] ?? NaN))).toBeLessThan(2e-3))
    } finally {
      await clf.release()
    }
  })
})
