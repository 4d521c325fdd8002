/**
 * Measures a detector model on folders of face images or videos, through the app's own pipeline
 * (BlazeFace → alignment → crop → quality gates → classifier → risk aggregation for videos).
 *
 *   npm run eval:detector -- --real DIR [--fake DIR] [--model DIR] [--json] [--fps 5] [--limit N]
 *     [--index FILE.csv] [--group-by family|generator|method] [--dump FILE.json]
 *
 * Frame level: AUC with a bootstrap 95 % interval resampling videos (`video_id` or `source_video`
 * from --index; without an index one file is one unit), EER, TPR at 1 % FPR, the false "fake"
 * rate on reals at the model's calibrated threshold. Videos (decoded with ffmpeg at --fps) are replayed through the risk
 * aggregator: video-level AUC (mean logit of the valid frames), fakes reaching High, time to first
 * High, High episodes, false High per hour with a Poisson interval; clips with fewer scored frames
 * than the warm-up are "no verdict", reported apart from misses. --index (columns as in the
 * datasets' index.csv / clips.csv: file or clip, video_id, family, generator, method) adds
 * per-group tables; --dump writes every item's frame outcomes for scripts/calibrate-risk.ts.
 * Frames without a usable face are "no data", counted and reported, never scored.
 */
import { execFile } from 'node:child_process'
import { readFile, readdir, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { parseArgs } from 'node:util'
import sharp from 'sharp'
import { DetectorEngine } from '../src/main/detector/engine.js'
import { outcomeOf } from '../src/main/detector/host.js'
import type { ClipReplay } from '../src/main/detector/evaluation.js'
import {
  auc,
  bootstrapAuc,
  poissonCi,
  replayClip,
  roc,
  wilson,
} from '../src/main/detector/evaluation.js'
import { readIndex } from '../src/main/detector/eval-index.js'
import type { FrameOutcome } from '../src/shared/risk.js'
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
    index: { type: 'string', multiple: true },
    'group-by': { type: 'string' },
    dump: { type: 'string' },
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
  /** Bootstrap unit: video_id from --index, else the file. */
  unit: string
  group: string | null
  /** Per valid frame logits; empty = no data. */
  logits: number[]
  frames: number
  noData: Record<string, number>
  /** Videos only: every frame's outcome and the aggregator's replay. */
  outcomes?: FrameOutcome[]
  replay?: ClipReplay
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
  const meta = index.lookup(file)
  const groupBy = values['group-by']
  const item: Item = {
    label,
    id: file,
    unit: meta?.video_id || meta?.source_video || file,
    group: groupBy ? (meta?.[groupBy] ?? 'unknown') : null,
    logits: [],
    frames: 0,
    noData: {},
  }
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
  item.outcomes = []
  let t = 0
  for await (const f of videoFrames(file)) {
    const a = await engine.analyse(f.data, f.width, f.height)
    note(a)
    item.outcomes.push(outcomeOf(a, t))
    t += 1000 / fps
  }
  item.replay = replayClip(item.outcomes, thresholds, fps)
  return item
}

const index = await readIndex(values.index ?? [], readFile)
const engine = await DetectorEngine.create({ modelDir: values.model })
const thresholds = thresholdsFromCalibration(engine.calibration)
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
const threshold = thresholds.highLogit
const falseFake = realF.filter((v) => v >= threshold).length
const detected = fakeF.filter((v) => v >= threshold).length
const noData: Record<string, number> = {}
for (const it of items)
  for (const [k, v] of Object.entries(it.noData)) noData[k] = (noData[k] ?? 0) + v
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x))
const { eer, tprAt1 } = roc(fakeF, realF)
const videos = items.filter((i): i is Item & { replay: ClipReplay } => i.replay !== undefined)
const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length
const median = (a: number[]): number | null =>
  a.length ? ([...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? null) : null

function videoSummary(vs: typeof videos): Record<string, unknown> {
  const reals = vs.filter((v) => v.label === 0)
  const fakes = vs.filter((v) => v.label === 1)
  const realHours = reals.reduce((s, v) => s + v.replay.durationS, 0) / 3600
  const falseHighs = reals.reduce((s, v) => s + v.replay.highEpisodes, 0)
  const firstHigh = fakes.flatMap((v) =>
    v.replay.firstHighS === null ? [] : [v.replay.firstHighS],
  )
  const [lo, hi] = poissonCi(falseHighs)
  return {
    n: vs.length,
    video_auc: auc(
      fakes.filter((v) => v.logits.length).map((v) => mean(v.logits)),
      reals.filter((v) => v.logits.length).map((v) => mean(v.logits)),
    ),
    fakes_reaching_high: `${firstHigh.length}/${fakes.length}`,
    fakes_no_verdict: fakes.filter((v) => v.replay.noVerdict).length,
    fakes_missed: fakes.filter((v) => !v.replay.noVerdict && v.replay.firstHighS === null).length,
    time_to_first_high_s_median: median(firstHigh),
    fake_high_episodes: fakes.reduce((s, v) => s + v.replay.highEpisodes, 0),
    real_clips: reals.length,
    real_no_verdict: reals.filter((v) => v.replay.noVerdict).length,
    real_hours: realHours,
    false_high_episodes: falseHighs,
    false_high_per_hour: realHours > 0 ? falseHighs / realHours : null,
    false_high_per_hour_ci95: realHours > 0 ? [lo / realHours, hi / realHours] : null,
    real_clips_reaching_high: reals.filter((v) => v.replay.highEpisodes > 0).map((v) => v.id),
    real_peak_evidence_share_max: reals.length
      ? Math.max(...reals.map((v) => v.replay.peakEvidenceShare))
      : null,
  }
}

/** Per group: that group's fakes against every real (and its own reals' false-fake rate). */
function groupTable(): Record<string, Record<string, unknown>> | null {
  if (!values['group-by']) return null
  const out: Record<string, Record<string, unknown>> = {}
  const groups = [...new Set(items.map((i) => i.group ?? 'unknown'))].sort()
  for (const g of groups) {
    const fakes = items.filter((i) => i.label === 1 && i.group === g)
    const reals = items.filter((i) => i.label === 0 && i.group === g)
    const fakeScores = fakes.flatMap((i) => i.logits)
    const row: Record<string, unknown> = {
      n_fake_frames: fakeScores.length,
      n_real_frames: reals.flatMap((i) => i.logits).length,
      units: new Set([...fakes, ...reals].map((i) => i.unit)).size,
    }
    if (fakeScores.length) {
      row.frame_auc_vs_all_reals = auc(fakeScores, realF)
      row.frame_auc_ci95 = bootstrapAuc(
        [...fakes, ...items.filter((i) => i.label === 0)].map((i) => ({
          label: i.label,
          unit: i.unit,
          scores: i.logits,
        })),
        Number(values.seed),
      )
      row.tpr_at_threshold = fakeScores.filter((v) => v >= threshold).length / fakeScores.length
    }
    const rs = reals.flatMap((i) => i.logits)
    if (rs.length) row.false_fake_rate = rs.filter((v) => v >= threshold).length / rs.length
    const vs = videos.filter((v) => v.group === g)
    if (vs.length) row.videos = videoSummary(vs)
    out[g] = row
  }
  return out
}

const result = {
  model: values.model,
  n_real: realF.length,
  n_fake: fakeF.length,
  n_no_face: noData.no_face ?? 0,
  n_poor_quality: Object.entries(noData).reduce((s, [k, v]) => (k === 'no_face' ? s : s + v), 0),
  no_data_by_reason: noData,
  frame_auc: auc(fakeF, realF),
  frame_auc_ci95:
    fakeF.length && realF.length
      ? bootstrapAuc(
          items.map((i) => ({ label: i.label, unit: i.unit, scores: i.logits })),
          Number(values.seed),
        )
      : null,
  bootstrap_unit: index.size ? 'video_id or source_video (--index)' : 'file',
  eer,
  tpr_at_1pct_fpr: tprAt1,
  threshold_p: engine.calibration.threshold,
  false_fake_rate_at_threshold: realF.length ? falseFake / realF.length : null,
  false_fake_rate_ci95: wilson(falseFake, realF.length),
  tpr_at_threshold: fakeF.length ? detected / fakeF.length : null,
  mean_risk_on_real: realF.length ? mean(realF.map(sigmoid)) : null,
  videos: videos.length ? videoSummary(videos) : null,
  groups: groupTable(),
}

if (values.dump) {
  const dump = items.map((i) => ({
    id: i.id,
    label: i.label,
    unit: i.unit,
    group: i.group,
    logits: i.outcomes ? undefined : i.logits,
    outcomes: i.outcomes,
  }))
  await writeFile(values.dump, JSON.stringify({ fps, model: values.model, items: dump }))
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
  if (result.videos) console.log(`videos: ${JSON.stringify(result.videos, null, 1)}`)
  if (result.groups) console.log(`groups: ${JSON.stringify(result.groups, null, 1)}`)
}
