/**
 * Makes the classifier's training crops with the app's own pipeline (BlazeFace → eye-line
 * alignment → square crop), so training and run-time crops match. Reads ../shared/datasets,
 * writes PNG crops + crops.csv to ml/work/crops (gitignored; the data's licences forbid committing).
 *
 *   npx tsx scripts/prepare-crops.ts [--out ml/work/crops] [--size 160] [--scale 1.1] [--limit N]
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import sharp from 'sharp'
import { cropGeometry, sampleCrop, toCropPoint } from '../src/main/detector/align.js'
import { parseCsv } from '../src/main/detector/eval-index.js'
import { FaceDetector } from '../src/main/detector/face-detector.js'
import { estimatePose, sharpness } from '../src/main/detector/quality.js'

const { values: args } = parseArgs({
  options: {
    shared: { type: 'string', default: path.resolve('../shared/datasets') },
    out: { type: 'string', default: 'ml/work/crops' },
    size: { type: 'string', default: '160' },
    scale: { type: 'string', default: '1.1' },
    limit: { type: 'string' },
    /** Extra frames from the video-faces clips (ml/extract_clip_frames.sh): FRAMES/<label>/<video_id>/*.jpg */
    frames: { type: 'string', default: 'ml/work/vf-frames' },
  },
})
const values = { ...args, shared: args.shared ?? '', out: args.out ?? 'ml/work/crops' }
const size = Number(values.size)
const cropScale = Number(values.scale)
const limit = values.limit ? Number(values.limit) : Infinity

interface Item {
  src: string
  dataset: 'dfdc' | 'utk' | 'vf'
  label: 'real' | 'fake'
  /** Split unit: DFDC source video (a swap stays with its source), UTK file, video-faces clip. */
  group: string
  facePx: number
  /** video-faces only: generator family, for per-family and leave-family-out measurements. */
  family?: string
}

async function listItems(): Promise<Item[]> {
  const items: Item[] = []
  const csv = await readFile(path.join(values.shared, 'dfdc-faces/index.csv'), 'utf8')
  for (const line of csv.trim().split('\n').slice(1)) {
    const [file = '', label, source = '', px] = line.split(',')
    items.push({
      src: path.join(values.shared, 'dfdc-faces', file),
      dataset: 'dfdc',
      label: label === 'fake' ? 'fake' : 'real',
      group: source,
      facePx: Number(px),
    })
  }
  for (const f of (await readdir(path.join(values.shared, 'utkface-adults'))).sort()) {
    if (!f.endsWith('.jpg')) continue
    items.push({
      src: path.join(values.shared, 'utkface-adults', f),
      dataset: 'utk',
      label: 'real',
      group: `utk_${f}`,
      facePx: 200,
    })
  }
  // video-faces: call-like reals and non-DFDC generator families (see its README).
  const vf = path.join(values.shared, 'video-faces')
  const vfFamily = new Map<string, string>()
  // Quoted fields: several family names contain commas.
  const [head = [], ...vfRows] = parseCsv(await readFile(path.join(vf, 'index.csv'), 'utf8'))
  for (const cells of vfRows) {
    const col = (name: string): string => cells[head.indexOf(name)] ?? ''
    items.push({
      src: path.join(vf, col('file')),
      dataset: 'vf',
      label: col('label') === 'fake' ? 'fake' : 'real',
      group: `vf_${col('video_id')}`,
      facePx: Number(col('face_px')),
      family: col('family')
        .replaceAll(/[^A-Za-z0-9]+/g, '_')
        .slice(0, 40),
    })
    vfFamily.set(col('video_id'), items[items.length - 1]?.family ?? '')
  }
  for (const label of ['real', 'fake'] as const) {
    const dir = path.join(values.frames ?? '', label)
    const clips = await readdir(dir).catch(() => [] as string[])
    for (const clip of clips.sort()) {
      for (const f of (await readdir(path.join(dir, clip))).sort()) {
        items.push({
          src: path.join(dir, clip, f),
          dataset: 'vf',
          label,
          group: `vf_${clip}`,
          facePx: 0,
          family: vfFamily.get(clip) ?? '',
        })
      }
    }
  }
  return items
}

/** The shared crops are tight; a grey margin gives BlazeFace the context it was trained with. */
async function decodePadded(
  file: string,
): Promise<{ data: Buffer; width: number; height: number }> {
  const img = sharp(file).ensureAlpha()
  const meta = await img.metadata()
  const m = Math.round(Math.max(meta.width ?? 0, meta.height ?? 0) * 0.25)
  const { data, info } = await img
    .extend({ top: m, bottom: m, left: m, right: m, extendWith: 'copy' })
    .raw()
    .toBuffer({ resolveWithObject: true })
  return { data, width: info.width, height: info.height }
}

const detector = await FaceDetector.create({ minScore: 0.4 })
const items = (await listItems()).slice(0, limit)
const rows = [
  'crop,dataset,label,group,family,face_px,det_score,box_px,sharpness,yaw,pitch,' +
    Array.from({ length: 6 }, (_, i) => `k${i}x,k${i}y`).join(','),
]
let noFace = 0
for (const [i, item] of items.entries()) {
  const { data, width, height } = await decodePadded(item.src)
  const faces = await detector.detect(data, width, height)
  // The dataset crop is centred on its face: take the detection nearest the centre.
  const face = faces
    .map((f) => ({
      f,
      d: Math.hypot(f.box.x + f.box.width / 2 - width / 2, f.box.y + f.box.height / 2 - height / 2),
    }))
    .sort((a, b) => a.d - b.d)[0]?.f
  if (!face) {
    noFace++
    continue
  }
  const g = cropGeometry(face, cropScale)
  const rgb = sampleCrop(data, width, height, g, size)
  const pose = estimatePose(face, g)
  const stem = path.basename(item.src, path.extname(item.src))
  const name = `${item.dataset}/${item.label}/${item.facePx === 0 ? `${item.group}_` : ''}${stem}.png`
  await mkdir(path.dirname(path.join(values.out, name)), { recursive: true })
  await sharp(rgb, { raw: { width: size, height: size, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toFile(path.join(values.out, name))
  const kps = face.keypoints.map((p) =>
    toCropPoint(g, size, p)
      .map((v) => v.toFixed(1))
      .join(','),
  )
  rows.push(
    [
      name,
      item.dataset,
      item.label,
      item.group,
      item.family ?? '',
      item.facePx,
      face.score.toFixed(3),
      Math.max(face.box.width, face.box.height).toFixed(1),
      sharpness(rgb, size).toFixed(1),
      pose.yaw.toFixed(3),
      pose.pitch.toFixed(3),
      ...kps,
    ].join(','),
  )
  if (i % 1000 === 0) console.log(`${i}/${items.length} no_face=${noFace}`)
}
await writeFile(path.join(values.out, 'crops.csv'), rows.join('\n') + '\n')
console.log(
  `done: ${rows.length - 1} crops, ${noFace} without a face, size ${size}, scale ${cropScale}`,
)
await detector.release()
