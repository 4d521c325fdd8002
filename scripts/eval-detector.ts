/**
 * Measures a detector model on folders of face images or videos, through the app's own pipeline
 * (BlazeFace → alignment → crop → quality gates → classifier → risk aggregation for videos).
 *
 *   npm run eval:detector -- --real DIR [--fake DIR] [--model DIR] [--json] [--fps 5] [--limit N]
 *
 * Frame level: AUC with a bootstrap 95 % interval resampling identities (one image = one identity,
 * one video = one identity), EER, TPR at 1 % FPR, the false "fake" rate on reals at the model's
 * calibrated threshold. Videos (decoded with ffmpeg at --fps) also get a video-level AUC (mean
 * logit of the valid frames), time to first "High" on fakes and false "High" per hour on reals.
 * Frames without a usable face are "no data", counted and reported, never scored.
 */
import { execFile } from 'node:child_process'
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { parseArgs } from 'node:util'
import sharp from 'sharp'
import { DetectorEngine } from '../src/main/detector/engine.js'
import { RiskAggregator } from '../src/main/detector/score.js'
import { outcomeOf } from '../src/main/detector/host.js'
import { thresholdsFromCalibration } from '../src/shared/risk.js'

const run = promisify(execFile)
const IMAGE = /\.(jpe?g|png|webp|bmp)$/i
const VIDEO = /\.(mp4|webm|mov|avi|mkv|y4m)$/i

const { values } = parseArgs({
  options: {
    real: { type: 'string' },
    fake: { type: 'string' },
    model: { type: 'string', default: 'resources/models' },
    json: { type: 'boolean', default: false },
    fps: { type: 'string', default: '5' },
    limit: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
})
if (!values.real && !values.fake) {
  console.error('usage: eval:detector --real DIR [--fake DIR] [--model DIR] [--json]')
  process.exit(2)
}
const fps = Number(values.fps)
const limit = values.limit ? Number(values.limit) : Infinity

interface Item {
  label: 0 | 1
  id: string
  /** Per valid frame logits; empty = no data. */
  logits: number[]
  frames: number
  noData: Record<string, number>
  /** Videos only. */
  durationS?: number
  firstHighS?: number | null
  highEpisodes?: number
}

async function listMedia(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of (await readdir(dir)).sort()) {
    const p = path.join(dir, e)
    const s = await stat(p)
    if (s.isDirectory()) out.push(...(await listMedia(p)))
    else if (IMAGE.test(e) || VIDEO.test(e)) out.push(p)
  }
  return out
}

async function imageFrame(
  file: string,
): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(file)
    .resize(640, 640, { fit: 'inside', withoutEnlargement: true })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
  return { data: new Uint8Array(data), width: info.width, height: info.height }
}

async function* videoFrames(
  file: string,
): AsyncGenerator<{ data: Uint8Array; width: number; height: number }> {
  const probe = await run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height',
    '-of',
    'csv=p=0',
    file,
  ])
  const [w0 = 0, h0 = 0] = probe.stdout.trim().split(',').map(Number)
  const k = Math.min(1, 640 / Math.max(w0, h0))
  const width = Math.round((w0 * k) / 2) * 2
  const height = Math.round((h0 * k) / 2) * 2
  const { stdout } = await run(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      file,
      '-vf',
      `fps=${fps},scale=${width}:${height}`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgba',
      '-',
    ],
    { encoding: 'buffer', maxBuffer: 2 ** 31 },
  )
  const size = width * height * 4
  for (let o = 0; o + size <= stdout.length; o += size) {
    yield { data: new Uint8Array(stdout.buffer, stdout.byteOffset + o, size), width, height }
  }
}

async function evalItem(engine: DetectorEngine, file: string, label: 0 | 1): Promise<Item> {
  const item: Item = { label, id: file, logits: [], frames: 0, noData: {} }
  const note = (a: Awaited<ReturnType<DetectorEngine['analyse']>>): void => {
    item.frames++
    if (a.status === 'ok' && a.logit !== null) item.logits.push(a.logit)
    else item.noData[a.status] = (item.noData[a.status] ?? 0) + 1
  }
  if (IMAGE.test(file)) {
    const f = await imageFrame(file)
    note(await engine.analyse(f.data, f.width, f.height))
    return item
  }
  const agg = new RiskAggregator(thresholdsFromCalibration(engine.calibration))
  let t = 0
  let prev = 'analysing'
  item.firstHighS = null
  item.highEpisodes = 0
  for await (const f of videoFrames(file)) {
    const a = await engine.analyse(f.data, f.width, f.height)
    note(a)
    const level = agg.push(outcomeOf(a, t)).level
    if (level === 'high' && prev !== 'high') {
      item.highEpisodes++
      item.firstHighS ??= t / 1000
    }
    prev = level
    t += 1000 / fps
  }
  item.durationS = t / 1000
  return item
}

/** Mann-Whitney AUC (ties count half). */
function auc(pos: number[], neg: number[]): number {
  if (pos.length === 0 || neg.length === 0) return NaN
  const all = [...pos.map((v) => ({ v, p: 1 })), ...neg.map((v) => ({ v, p: 0 }))].sort(
    (a, b) => a.v - b.v,
  )
  let rankSum = 0
  for (let i = 0; i < all.length;) {
    let j = i
    while (j < all.length && all[j]?.v === all[i]?.v) j++
    const avg = (i + 1 + j) / 2
    for (let k = i; k < j; k++) if (all[k]?.p === 1) rankSum += avg
    i = j
  }
  return (rankSum - (pos.length * (pos.length + 1)) / 2) / (pos.length * neg.length)
}

function roc(pos: number[], neg: number[]): { eer: number; tprAt1: number } {
  if (pos.length === 0 || neg.length === 0) return { eer: NaN, tprAt1: NaN }
  const thr = [...new Set([...pos, ...neg])].sort((a, b) => b - a)
  let eer = 1
  let bestGap = Infinity
  let tprAt1 = 0
  for (const t of thr) {
    const tpr = pos.filter((v) => v >= t).length / pos.length
    const fpr = neg.filter((v) => v >= t).length / neg.length
    if (fpr <= 0.01) tprAt1 = Math.max(tprAt1, tpr)
    const gap = Math.abs(fpr - (1 - tpr))
    if (gap < bestGap) {
      bestGap = gap
      eer = (fpr + (1 - tpr)) / 2
    }
  }
  return { eer, tprAt1 }
}

/** Deterministic PRNG so the interval is reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Bootstrap over identities: resample items with replacement, keep all frames of each. */
function bootstrapAuc(items: Item[], score: (it: Item) => number[], reps = 1000): [number, number] {
  const rnd = mulberry32(Number(values.seed))
  const pos = items.filter((i) => i.label === 1 && i.logits.length > 0)
  const neg = items.filter((i) => i.label === 0 && i.logits.length > 0)
  const draws: number[] = []
  for (let r = 0; r < reps; r++) {
    const p: number[] = []
    const n: number[] = []
    for (let i = 0; i < pos.length; i++)
      p.push(...score(pos[Math.floor(rnd() * pos.length)] as Item))
    for (let i = 0; i < neg.length; i++)
      n.push(...score(neg[Math.floor(rnd() * neg.length)] as Item))
    draws.push(auc(p, n))
  }
  draws.sort((a, b) => a - b)
  return [draws[Math.floor(reps * 0.025)] ?? NaN, draws[Math.floor(reps * 0.975)] ?? NaN]
}

/** Wilson 95 % interval for a proportion. */
function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [NaN, NaN]
  const z = 1.96
  const p = k / n
  const d = 1 + (z * z) / n
  const c = p + (z * z) / (2 * n)
  const h = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))
  return [(c - h) / d, (c + h) / d]
}

const engine = await DetectorEngine.create({ modelDir: values.model })
const items: Item[] = []
for (const [dir, label] of [
  [values.real, 0],
  [values.fake, 1],
] as const) {
  if (!dir) continue
  const files = (await listMedia(dir)).slice(0, limit)
  for (const [i, f] of files.entries()) {
    items.push(await evalItem(engine, f, label))
    if (!values.json && i % 500 === 499) console.error(`${dir}: ${i + 1}/${files.length}`)
  }
}
await engine.release()

const frames = (label: 0 | 1): number[] =>
  items.filter((i) => i.label === label).flatMap((i) => i.logits)
const realF = frames(0)
const fakeF = frames(1)
const threshold = thresholdsFromCalibration(engine.calibration).highLogit
const falseFake = realF.filter((v) => v >= threshold).length
const detected = fakeF.filter((v) => v >= threshold).length
const noData: Record<string, number> = {}
for (const it of items)
  for (const [k, v] of Object.entries(it.noData)) noData[k] = (noData[k] ?? 0) + v
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x))
const { eer, tprAt1 } = roc(fakeF, realF)
const videos = items.filter((i) => i.durationS !== undefined)
const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length
const realVideoHours =
  videos.filter((v) => v.label === 0).reduce((s, v) => s + (v.durationS ?? 0), 0) / 3600
const fakeVideos = videos.filter((v) => v.label === 1)
const firstHigh = fakeVideos
  .map((v) => v.firstHighS)
  .filter((v): v is number => typeof v === 'number')

const result = {
  model: values.model,
  n_real: realF.length,
  n_fake: fakeF.length,
  n_no_face: noData.no_face ?? 0,
  n_poor_quality: Object.entries(noData).reduce((s, [k, v]) => (k === 'no_face' ? s : s + v), 0),
  no_data_by_reason: noData,
  frame_auc: auc(fakeF, realF),
  frame_auc_ci95: fakeF.length && realF.length ? bootstrapAuc(items, (i) => i.logits) : null,
  eer,
  tpr_at_1pct_fpr: tprAt1,
  threshold_p: engine.calibration.threshold,
  false_fake_rate_at_threshold: realF.length ? falseFake / realF.length : null,
  false_fake_rate_ci95: wilson(falseFake, realF.length),
  tpr_at_threshold: fakeF.length ? detected / fakeF.length : null,
  mean_risk_on_real: realF.length ? mean(realF.map(sigmoid)) : null,
  videos: videos.length
    ? {
        n: videos.length,
        video_auc: auc(
          fakeVideos.filter((v) => v.logits.length).map((v) => mean(v.logits)),
          videos.filter((v) => v.label === 0 && v.logits.length).map((v) => mean(v.logits)),
        ),
        time_to_first_high_s_median: firstHigh.length
          ? [...firstHigh].sort((a, b) => a - b)[Math.floor(firstHigh.length / 2)]
          : null,
        fakes_reaching_high: `${firstHigh.length}/${fakeVideos.length}`,
        false_high_per_hour:
          realVideoHours > 0
            ? videos.filter((v) => v.label === 0).reduce((s, v) => s + (v.highEpisodes ?? 0), 0) /
              realVideoHours
            : null,
      }
    : null,
}

if (values.json) {
  console.log(JSON.stringify(result))
} else {
  const f = (x: number | null | undefined): string =>
    x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(4)
  console.log(`model ${result.model}: ${result.n_real} real + ${result.n_fake} fake frames scored`)
  console.log(`no data: ${JSON.stringify(noData)}`)
  console.log(
    `frame AUC ${f(result.frame_auc)} (95% CI ${result.frame_auc_ci95?.map(f).join('–') ?? 'n/a'})`,
  )
  console.log(`EER ${f(eer)}  TPR@1%FPR ${f(tprAt1)}`)
  console.log(
    `at threshold p=${engine.calibration.threshold}: false "fake" on reals ${f(result.false_fake_rate_at_threshold)} (95% CI ${result.false_fake_rate_ci95.map(f).join('–')}), TPR ${f(result.tpr_at_threshold)}`,
  )
  console.log(`mean risk on real ${f(result.mean_risk_on_real)}`)
  if (result.videos) console.log(`videos: ${JSON.stringify(result.videos)}`)
}
