import { describe, expect, it } from 'vitest'
import {
  callOutcomeKey,
  listNames,
  requestErrorText,
} from '../../../src/renderer/src/app/format.js'
import { createI18n } from '../../../src/renderer/src/i18n/index.js'
import zhCN from '../../../src/shared/i18n/locales/zh-CN.js'

describe('languages', () => {
  it('words request failures in the chosen language, never with the raw English message', () => {
    const { t } = createI18n('zh-CN')
    expect(requestErrorText(t, 'unreachable')).toBe(zhCN.errors.unreachable)
    expect(requestErrorText(t, 'internal_error')).toBe(zhCN.errors.generic)
  })
})

describe('lists of names', () => {
  it('joins names as each language does, one name alone', () => {
    expect(listNames(['Bob'], 'en')).toBe('Bob')
    expect(listNames(['Bob', 'Carol'], 'en')).toBe('Bob and Carol')
    expect(listNames(['Bob', 'Carol', 'Dan'], 'en')).toBe('Bob, Carol, and Dan')
    expect(listNames(['Bob', 'Carol', 'Dan'], 'zh-CN')).toBe('Bob、Carol和Dan')
  })
})

describe('history labels', () => {
  const me = 'me'
  const other = 'other'
  const ended = (caller: string, end_reason: string) => ({
    caller_id: caller,
    status: 'ended',
    end_reason,
  })

  it('calls an unanswered call "Missed" only on the side that missed it', () => {
    const en = createI18n('en')
    expect(en.t(callOutcomeKey(ended(other, 'missed'), me))).toBe('Missed')
    expect(en.t(callOutcomeKey(ended(me, 'missed'), me))).toBe('No answer')
    expect(createI18n('zh-CN').t(callOutcomeKey(ended(me, 'missed'), me))).toBe('对方未接听')
  })

  it('reads a cancelled, declined or completed call the same on both sides', () => {
    for (const reason of ['cancelled', 'declined', 'completed', 'interrupted'])
      expect(callOutcomeKey(ended(me, reason), me)).toBe(callOutcomeKey(ended(me, reason), other))
    expect(callOutcomeKey({ caller_id: me, status: 'in_progress' }, me)).toBe('reason.in_progress')
  })
})
