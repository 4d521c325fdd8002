import { createElement } from 'react'
import { describe, expect, it } from 'vitest'
import { CallSecurityReport } from '../../../src/renderer/src/detection/SecurityReportView.js'
import { createAppStore } from '../../../src/renderer/src/store/index.js'
import { renderApp } from '../fakes/render-app.js'
import { faceReport } from '../fakes/reports.js'
import type { SecurityReport } from '../../../src/shared/detection.js'

const report = (extra: Partial<SecurityReport> = {}): SecurityReport =>
  faceReport(7, { endedAt: 10_000, peakScore: 0.3, ...extra })
const verification = { code: '123 456', result: 'match', at: 5 } as const

async function render(
  reports: SecurityReport[],
  compact: boolean,
  language: 'en' | 'zh-CN' = 'en',
): Promise<string> {
  const store = createAppStore()
  for (const r of reports) store.getState().addReport(r)
  return renderApp(store, createElement(CallSecurityReport, { callId: 7, compact }), language)
}

const text = (html: string): string =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()

describe('a call’s security report', () => {
  it('reads the same for a 1:1 call filed per person as for one filed before group calls', async () => {
    const old = report({ verification })
    const perPerson = report({ verification, peer: { id: 'bob', name: 'Bob' } })
    expect(await render([perPerson], false)).toBe(await render([old], false))
    expect(await render([perPerson], true)).toBe(await render([old], true))
    const line = text(await render([perPerson], true))
    expect(line).toBe(
      'Face check: Low risk · Low risk: 100 % · veracall-mnv2-sbi 1.1.0 · Code: matched',
    )
    expect(line).not.toContain('Bob')
  })

  it('gives a group call one named verdict per person, the verification once', async () => {
    const reports = [
      report({ peer: { id: 'bob', name: 'Bob Chen' }, verification }),
      report({ peer: { id: 'cy', name: 'Cy' }, startedAt: 5, peakLevel: 'high', verification }),
    ]
    const full = await render(reports, false)
    expect(full).toMatch(/<section[^>]*data-peak="high"/)
    expect([...full.matchAll(/<h3>([^<]*)<\/h3>/g)].map((m) => m[1])).toEqual(['Bob Chen', 'Cy'])
    expect(full.match(/data-testid="verification-report"/g)).toHaveLength(1)
    expect(text(await render(reports, true))).toBe(
      'Face check: Bob Chen: Low risk · Cy: High risk · Code: matched',
    )
    expect(text(await render(reports, true, 'zh-CN'))).toContain('Bob Chen：低风险')
  })

  it('shows nothing for a call without a report', async () => {
    expect(await render([], false)).toBe('')
  })
})
