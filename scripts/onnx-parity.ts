/* eslint-disable @typescript-eslint/no-non-null-assertion -- numeric comparison loop over arrays of checked equal length */
/**
 * torch ↔ onnxruntime-node parity: runs an ONNX model on a raw float32 input that a Python script
 * wrote, and compares with the outputs torch produced for the same input.
 *
 *   npx tsx scripts/onnx-parity.ts --model M.onnx --input x.f32 --shape 4,3,160,160 --expected y.f32
 */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import ort from 'onnxruntime-node'

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    input: { type: 'string' },
    shape: { type: 'string' },
    expected: { type: 'string' },
  },
})
if (!values.model || !values.input || !values.shape || !values.expected) {
  console.error('usage: --model M.onnx --input x.f32 --shape N,C,H,W --expected y.f32')
  process.exit(2)
}
const f32 = (b: Buffer): Float32Array =>
  new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
const shape = values.shape.split(',').map(Number)
const x = f32(await readFile(values.input))
const expected = f32(await readFile(values.expected))
const session = await ort.InferenceSession.create(values.model, { logSeverityLevel: 3 })
const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, shape) })
const y = out[session.outputNames[0]!]!
const got = y.data as Float32Array
if (got.length !== expected.length) {
  console.error(`length mismatch: onnx ${got.length} (dims ${y.dims}), torch ${expected.length}`)
  process.exit(1)
}
const n = shape[0]!
const per = got.length / n
let maxAbs = 0
let top1Agree = 0
let sx = 0
let sy = 0
let sxx = 0
let syy = 0
let sxy = 0
for (let i = 0; i < got.length; i++) {
  const a = got[i]!
  const b = expected[i]!
  maxAbs = Math.max(maxAbs, Math.abs(a - b))
  sx += a
  sy += b
  sxx += a * a
  syy += b * b
  sxy += a * b
}
const argmax = (a: Float32Array, o: number): number => {
  let best = o
  for (let i = o; i < o + per; i++) if (a[i]! > a[best]!) best = i
  return best - o
}
for (let r = 0; r < n; r++) if (argmax(got, r * per) === argmax(expected, r * per)) top1Agree++
const m = got.length
const corr = (sxy - (sx * sy) / m) / Math.sqrt((sxx - (sx * sx) / m) * (syy - (sy * sy) / m))
console.log(JSON.stringify({ outputDims: y.dims, maxAbsDiff: maxAbs, pearson: corr, top1Agree, n }))
