/**
 * Detector cost at 640×480 with one face: per-stage time (detect / crop+quality / classify),
 * median and p95 over ≥ 200 frames, the share of one core at 5 fps, and the largest gap of a 5 ms
 * timer on the host's event loop while the worker runs flat out. Ratios are against baselines
 * measured in the same run (the bare BlazeFace graph; the same timer with the worker idle).
 *
 *   npm run bench:detector -- [--model resources/models] [--frames 300] [--seconds 6]
 */
import { createRequire } from 'node:module'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import ort from 'onnxruntime-node'
import sharp from 'sharp'
import { DetectorEngine } from '../src/main/detector/engine.js'
import { blazeFaceModelPath } from '../src/main/detector/face-detector.js'
import { WorkerHost } from '../src/main/detector/worker-host.js'

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'resources/models' },
    frames: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '6' },
  },
})
const N = Math.max(200, Number(values.frames))

/** A 640×480 frame with one face of ~190 px, cut from a face-api demo photo. */
async function oneFaceFrame(): Promise<Uint8Array> {
  const require = createRequire(import.meta.url)
  const demo = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo')
  const buf = await sharp(path.join(demo, 'sample3.jpg'))
    .extract({ left: 812, top: 0, width: 800, height: 600 })
    .resize(640, 480)
    .ensureAlpha()
    .raw()
    .toBuffer()
  return new Uint8Array(buf)
}

const q = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN
}
const fmt = (x: number): string => x.toFixed(2)

async function maxTimerGap(ms: number, busy: () => Promise<void>): Promise<number> {
  let last = performance.now()
  let worst = 0
  const timer = setInterval(() => {
    const now = performance.now()
    worst = Math.max(worst, now - last - 5)
    last = now
  }, 5)
  const until = performance.now() + ms
  while (performance.now() < until) await busy()
  clearInterval(timer)
  return worst
}

const frame = await oneFaceFrame()

// Baseline: the bare BlazeFace graph on a ready tensor.
const bare = await ort.InferenceSession.create(blazeFaceModelPath(), {
  intraOpNumThreads: 1,
  logSeverityLevel: 3,
})
const input = new ort.Tensor('float32', new Float32Array(128 * 128 * 3), [1, 128, 128, 3])
const bareMs: number[] = []
for (let i = 0; i < N + 10; i++) {
  const t0 = performance.now()
  await bare.run({ [bare.inputNames[0] ?? 'input:0']: input })
  if (i >= 10) bareMs.push(performance.now() - t0)
}
await bare.release()

// In-process engine for the per-stage split.
const engine = await DetectorEngine.create({ modelDir: values.model })
const stages = {
  detect: [] as number[],
  crop: [] as number[],
  classify: [] as number[],
  total: [] as number[],
}
const statuses = new Map<string, number>()
const cpu0 = process.cpuUsage()
const wall0 = performance.now()
for (let i = 0; i < N + 10; i++) {
  const t0 = performance.now()
  const a = await engine.analyse(frame, 640, 480)
  const total = performance.now() - t0
  if (i < 10) continue
  statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1)
  stages.detect.push(a.timings.detectMs)
  stages.crop.push(a.timings.cropMs)
  stages.classify.push(a.timings.classifyMs)
  stages.total.push(total)
}
const cpu = process.cpuUsage(cpu0)
const wall = performance.now() - wall0
const model = engine.model
await engine.release()

// Host event loop while the worker analyses back to back (one frame in flight at a time).
const host = new WorkerHost({ modelDir: values.model })
await host.start()
const seconds = Number(values.seconds) * 1000
const idleGap = await maxTimerGap(
  Math.min(2000, seconds),
  () => new Promise((r) => setTimeout(r, 20)),
)
let analysed = 0
const busyGap = await maxTimerGap(seconds, async () => {
  await host.analyse({ width: 640, height: 480, data: frame.slice().buffer })
  analysed++
})
await host.stop()

const med = q(stages.total, 0.5)
const cpuPerFrame = (cpu.user + cpu.system) / 1000 / (N + 10)
console.log(
  `detector bench: model ${model.name} ${model.version} (S=${model.inputSize}), ${N} frames 640×480, intraOpNumThreads 1`,
)
console.log(`frame statuses: ${JSON.stringify(Object.fromEntries(statuses))}`)
for (const [k, v] of Object.entries(stages)) {
  console.log(`  ${k.padEnd(8)} median ${fmt(q(v, 0.5))} ms  p95 ${fmt(q(v, 0.95))} ms`)
}
console.log(
  `  bare BlazeFace graph (baseline) median ${fmt(q(bareMs, 0.5))} ms → pipeline/baseline ×${fmt(med / q(bareMs, 0.5))}`,
)
console.log(
  `share of one core at 5 fps: ${fmt((med * 5) / 10)} % (wall median); CPU time ${fmt(cpuPerFrame)} ms/frame → ${fmt((cpuPerFrame * 5) / 10)} % (process CPU incl. all threads, ${fmt(wall)} ms wall)`,
)
console.log(
  `host event loop, 5 ms timer: largest extra gap ${fmt(busyGap)} ms with the worker flat out (${analysed} frames in ${seconds / 1000} s) vs ${fmt(idleGap)} ms idle (×${fmt(busyGap / Math.max(idleGap, 0.01))})`,
)
