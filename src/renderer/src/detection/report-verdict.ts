import type { SecurityReport } from '../../../shared/detection.js'
import type { RiskLevel } from '../../../shared/risk.js'

/** Levels that are a judgement about the face; the others mean the check never got to one. */
const JUDGED: ReadonlySet<RiskLevel> = new Set<RiskLevel>(['low', 'elevated', 'high'])

export type NoVerdictReason = 'no_face' | 'insufficient_quality' | 'too_short'

export type ReportVerdict =
  { judged: true; level: RiskLevel } | { judged: false; why: NoVerdictReason }

/**
 * What a call's report can say as its "highest level": a risk level when one was reached, or why
 * there is none (no face seen, a face too unclear, too little video), never "Analysing…", which
 * describes a call in progress.
 */
export function reportVerdict(
  report: Pick<SecurityReport, 'peakLevel' | 'shareByLevel'>,
): ReportVerdict {
  if (JUDGED.has(report.peakLevel)) return { judged: true, level: report.peakLevel }
  const noFace = report.shareByLevel.no_face ?? 0
  const unclear = report.shareByLevel.insufficient_quality ?? 0
  if (noFace === 0 && unclear === 0) return { judged: false, why: 'too_short' }
  return { judged: false, why: noFace >= unclear ? 'no_face' : 'insufficient_quality' }
}
