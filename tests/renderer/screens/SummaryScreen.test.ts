import { createElement } from 'react'
import { describe, expect, it } from 'vitest'
import type { User } from 'veracall-signaling/protocol'
import { SummaryScreen } from '../../../src/renderer/src/screens/SummaryScreen.js'
import type { CallSummary } from '../../../src/renderer/src/store/slices/call.js'
import { createAppStore } from '../../../src/renderer/src/store/index.js'
import { renderApp } from '../fakes/render-app.js'

const user = (n: string, name: string): User => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  username: name.toLowerCase(),
  display_name: name,
})
const bob = user('b', 'Bob')
const carol = user('9', 'Carol')
const dan = user('d', 'Dan')

function render(
  people: User[],
  language: 'en' | 'zh-CN' = 'en',
  quality: CallSummary['quality'] = null,
): string {
  const store = createAppStore()
  const summary: CallSummary = {
    callId: 7,
    peer: bob,
    people,
    callType: 'video',
    direction: 'outgoing',
    reason: 'completed',
    durationS: 65,
    quality,
  }
  store.setState({ phase: 'ended', summary })
  return renderApp(store, createElement(SummaryScreen), language)
}

const withText = (html: string): string =>
  /data-testid="summary-with"[^>]*>([^<]*)</.exec(html)?.[1] ?? 'missing'
const avatars = (html: string): number => (html.match(/class="avatar avatar-lg/g) ?? []).length

describe('call summary', () => {
  it('names everyone who took part, as each language lists names', () => {
    expect(withText(render([bob, carol, dan]))).toBe('with Bob, Carol, and Dan')
    expect(withText(render([bob, carol]))).toBe('with Bob and Carol')
    expect(withText(render([bob, carol, dan], 'zh-CN'))).toBe('与 Bob、Carol和Dan')
  })

  it('a 1:1 call reads as before: one name, one avatar', () => {
    const html = render([bob])
    expect(withText(html)).toBe('with Bob')
    expect(avatars(html)).toBe(1)
    expect(withText(render([bob], 'zh-CN'))).toBe('与 Bob')
  })

  it('says an ended call with no quality sample was not measured, not "Measuring…"', () => {
    const quality = (html: string): string =>
      /data-testid="summary-quality"[^>]*>(.*?)<\/dd>/.exec(html)?.[1]?.replace(/<[^>]*>/g, '') ??
      'missing'
    expect(quality(render([bob, carol]))).toBe('Not measured')
    expect(quality(render([bob, carol], 'zh-CN'))).toBe('未测量')
    const measured = render([bob], 'en', { level: 'good' } as CallSummary['quality'])
    expect(quality(measured)).toContain('Good')
  })

  it('shows a row with one avatar per person', () => {
    expect(avatars(render([bob, carol, dan]))).toBe(3)
  })
})
