import type { TFunction } from 'i18next'

/** Failures of a signed-in request that have their own words; any other shows `errors.generic`. */
const REQUEST_ERRORS = new Set([
  'unreachable',
  'bad_response',
  'invalid_token',
  'rate_limited',
  'service_unavailable',
])

/** A request failure in the person's language: server and browser messages are English only. */
export function requestErrorText(t: TFunction, code: string): string {
  return t(REQUEST_ERRORS.has(code) ? `errors.${code}` : 'errors.generic')
}

/** 0:07, 12:34, 1:02:03 — the running call timer. */
export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`
}

/** A duration in words ("2 min 5 s" / "2 分 5 秒"). */
export function formatDuration(t: TFunction, totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  if (h > 0) return t('duration.hms', { h, m })
  if (m > 0) return t('duration.ms', { m, s: s % 60 })
  return t('duration.s', { s })
}

/** Names as the language lists them: "Bob and Carol", "Bob, Carol, and Dan"; "Bob和Carol" in zh-CN. */
export function listNames(names: readonly string[], language: string): string {
  return new Intl.ListFormat(language, { type: 'conjunction' }).format(names)
}

export function formatDateTime(iso: string, language: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(date)
}

/**
 * The history row's outcome, as the person reading it saw the call: an unanswered call is "Missed"
 * only for the callee (the caller reads "No answer"); every other outcome reads the same on both
 * sides, a cancelled call included.
 */
export function callOutcomeKey(
  call: { caller_id: string; status: string; end_reason?: string },
  selfId: string,
): string {
  const reason = call.end_reason ?? call.status
  return reason === 'missed' && call.caller_id === selfId ? 'reason.unanswered' : `reason.${reason}`
}
