import type { SessionSlice } from './slices/session.js'
import type { ContactsSlice } from './slices/contacts.js'
import type { CallSlice } from './slices/call.js'
import type { DevicesSlice } from './slices/devices.js'
import type { HistorySlice } from './slices/history.js'
import type { SettingsSlice } from './slices/settings.js'
import type { PromptsSlice } from './slices/prompts.js'
import type { RiskSlice } from './slices/risk.js'
import type { ReportsSlice } from './slices/reports.js'
import type { VerificationSlice } from './slices/verification.js'
import type { RecordingSlice } from './slices/recording.js'

export type AppState = SessionSlice &
  ContactsSlice &
  CallSlice &
  DevicesSlice &
  HistorySlice &
  SettingsSlice &
  PromptsSlice &
  RiskSlice &
  ReportsSlice &
  VerificationSlice &
  RecordingSlice
