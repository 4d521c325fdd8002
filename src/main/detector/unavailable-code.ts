import { MAX_REASON_LENGTH, type DetectorUnavailableCode } from '../../shared/detection.js'

/**
 * The code the UI words for a detector that stayed unavailable, from the code its failure carried
 * (model-spec.ts's validation codes, `model_crashed` from the worker host, anything else).
 */
export function unavailableCodeFor(failure: string): DetectorUnavailableCode {
  switch (failure) {
    case 'missing_sidecar':
    case 'missing_model':
      return 'model_missing'
    case 'bad_sidecar':
    case 'bad_model':
      return 'model_invalid'
    case 'model_crashed':
      return 'model_crashed'
    default:
      return 'failed_to_start'
  }
}

/** The technical detail as it may cross the boundary (the status schema bounds its length). */
export function reasonDetail(detail: string): string {
  return detail.length <= MAX_REASON_LENGTH ? detail : `${detail.slice(0, MAX_REASON_LENGTH - 1)}…`
}
