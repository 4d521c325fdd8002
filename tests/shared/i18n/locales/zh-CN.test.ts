import { describe, expect, it } from 'vitest'
import en from '../../../../src/shared/i18n/locales/en.js'
import zhCN from '../../../../src/shared/i18n/locales/zh-CN.js'

describe('languages', () => {
  it('has every English string in Simplified Chinese, and no empty one', () => {
    const keys = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        typeof v === 'object' && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
      )
    expect(keys(zhCN).sort()).toEqual(keys(en).sort())
    const values = (o: object): unknown[] =>
      Object.values(o).flatMap((v) => (typeof v === 'object' && v !== null ? values(v) : [v]))
    expect(values(zhCN).every((v) => typeof v === 'string' && v.length > 0)).toBe(true)
  })
})
