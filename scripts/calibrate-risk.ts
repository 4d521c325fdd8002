/**
 * Chooses a model's "High" evidence rule (src/shared/risk.ts EvidenceRule) from **real** clips
 * only, so that measured fakes stay out of the choice:
 *   - drift = the --quantile of every scored real frame's log-odds (frames above it are evidence);
 *   - the High bound = --margin × the largest evidence any real clip accumulates (so no real clip
 *     comes near High), never below --floor logit·s; Elevated at a third of it.
 * Input: dumps written by `npm run eval:detector -- --real CLIPS --dump FILE.json`.
 *
 *   npx tsx scripts/calibrate-risk.ts --dump ml/work/eval/clips.json [--quantile 0.97] [--margin 2]
 *
 * Prints the rule as JSON for model.json's calibration.evidence, and the replay of every dumped
 * clip (reals and, if present, fakes) under it.
 */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { replayClip } from '../src/main/detector/evaluation.js'
import type { EvidenceRule, FrameOutcome } from '../src/shared/risk.js'

const { values } = parseArgs({
  options: {
    dump: { type: 'string', multiple: true },
    quantile: { type: 'string', default: '0.97' },
    margin: { type: 'string', default: '2' },
    floor: { type: 'string', default: '4' },
    cap: { type: 'string', default: '3' },
    'high-logit': { type: 'string', default: '0' },
    'elevated-logit': { type: 'string', default: '-1' },
  },
})

interface DumpItem {
  id: string
  label: 0 | 1
  outcomes?: FrameOutcome[]
}
const dumps = await Promise.all(
  (values.dump ?? []).map(
    async (f) => JSON.parse(await readFile(f, 'utf8')) as { fps: number; items: DumpItem[] },
  ),
)
const fps = dumps[0]?.fps ?? 5
const clips = dumps.flatMap((d) => d.items).filter((i) => i.outcomes)
const reals = clips.filter((c) => c.label === 0)
const fakes = clips.filter((c) => c.label === 1)
if (reals.length === 0) {
  console.error('no real clips in the dumps')
  process.exit(2)
}
const realLogits = reals
  .flatMap((c) => c.outcomes ?? [])
  .flatMap((o) => (o.kind === 'scored' ? [o.logit] : []))
  .sort((a, b) => a - b)
const q = Number(values.quantile)
const drift = realLogits[Math.min(realLogits.length - 1, Math.floor(q * realLogits.length))] ?? 0
const cap = Number(values.cap)
const base = {
  elevatedLogit: Number(values['elevated-logit']),
  highLogit: Number(values['high-logit']),
}
const probe: EvidenceRule = {
  driftLogit: drift,
  capLogit: cap,
  highLogitSeconds: 1e6,
  elevatedLogitSeconds: 1e6,
}
const peak = Math.max(
  ...reals.map(
    (c) => replayClip(c.outcomes ?? [], { ...base, evidence: probe }, fps).peakEvidenceShare * 1e6,
  ),
)
const high = Math.max(Number(values.floor), Number(values.margin) * peak)
const rule: EvidenceRule = {
  driftLogit: Number(drift.toFixed(3)),
  capLogit: cap,
  highLogitSeconds: Number(high.toFixed(2)),
  elevatedLogitSeconds: Number((high / 3).toFixed(2)),
}
const replay = (c: DumpItem): ReturnType<typeof replayClip> =>
  replayClip(c.outcomes ?? [], { ...base, evidence: rule }, fps)
const realReplays = reals.map(replay)
const realHours = realReplays.reduce((s, r) => s + r.durationS, 0) / 3600
const fakeReplays = fakes.map(replay)
console.log(
  JSON.stringify(
    {
      evidence: rule,
      real_clips: reals.length,
      real_scored_frames: realLogits.length,
      real_peak_evidence: Number(peak.toFixed(3)),
      real_hours: realHours,
      false_high_episodes: realReplays.reduce((s, r) => s + r.highEpisodes, 0),
      fakes_reaching_high: `${fakeReplays.filter((r) => r.firstHighS !== null).length}/${fakes.length}`,
      fakes_no_verdict: fakeReplays.filter((r) => r.noVerdict).length,
    },
    null,
    1,
  ),
)
