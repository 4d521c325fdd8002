import type { ShownLevel } from '../store/slices/risk.js'

/** The colour of each level a badge shows (never alone: `RISK_SYMBOLS` and the words go with it). */
export const RISK_COLOURS: Record<ShownLevel, string> = {
  off: '#6b7280',
  unavailable: '#6b7280',
  analysing: '#2563eb',
  no_face: '#6b7280',
  insufficient_quality: '#a16207',
  low: '#15803d',
  elevated: '#c2410c',
  high: '#b91c1c',
  screen_share: '#6b7280',
}

/** A shape per level so the state reads without colour too. */
export const RISK_SYMBOLS: Record<ShownLevel, string> = {
  off: '○',
  unavailable: '⊘',
  analysing: '◌',
  no_face: '?',
  insufficient_quality: '≈',
  low: '✓',
  elevated: '!',
  high: '‼',
  screen_share: '‖',
}

/** Most worrying first: the level a whole group call's panel is marked with. */
const SEVERITY: readonly ShownLevel[] = [
  'high',
  'elevated',
  'insufficient_quality',
  'no_face',
  'analysing',
  'low',
  'screen_share',
  'unavailable',
  'off',
]

export function worstLevel(levels: readonly ShownLevel[]): ShownLevel {
  return SEVERITY.find((l) => levels.includes(l)) ?? 'analysing'
}
