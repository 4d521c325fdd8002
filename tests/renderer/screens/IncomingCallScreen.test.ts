import { createElement } from 'react'
import { describe, expect, it } from 'vitest'
import { IncomingCallScreen } from '../../../src/renderer/src/screens/IncomingCallScreen.js'
import { createAppStore, type AppState } from '../../../src/renderer/src/store/index.js'
import { renderApp } from '../fakes/render-app.js'

const bob = { id: '00000000-0000-4000-8000-00000000000b', username: 'bob', display_name: 'Bob' }
const carol = {
  id: '00000000-0000-4000-8000-00000000000c',
  username: 'carol',
  display_name: 'Carol',
}
const me = { id: '00000000-0000-4000-8000-00000000000a', username: 'me', display_name: 'Me' }

async function render(
  accepting: boolean,
  language: 'en' | 'zh-CN' = 'en',
  state: Partial<AppState> = {},
): Promise<string> {
  const store = createAppStore()
  store.setState({ phase: 'incoming', callType: 'video', accepting, peer: bob })
  store.setState(state)
  return renderApp(store, createElement(IncomingCallScreen), language)
}

describe('incoming call screen', () => {
  it('says "Connecting…" as soon as Accept is pressed, while the camera opens', async () => {
    const status = (html: string): string =>
      /data-testid="accept-status"[^>]*>([^<]*)</.exec(html)?.[1] ?? 'missing'
    expect(status(await render(false))).toBe('')
    expect(status(await render(true))).toBe('Connecting…')
    expect(status(await render(true, 'zh-CN'))).toBe('正在连接…')
    expect(await render(true)).toMatch(/role="status"/)
  })

  it('lists everyone in a group call as the language lists names', async () => {
    const participant = (user: typeof bob, status: 'joined' | 'invited') => ({
      user_id: user.id,
      user,
      status,
      role: user === bob ? ('caller' as const) : ('callee' as const),
    })
    const group = {
      group: true,
      user: me,
      call: {
        id: 7,
        room_id: 'room-0007',
        caller_id: bob.id,
        callee_id: me.id,
        call_type: 'video' as const,
        status: 'in_progress' as const,
        created_at: '2026-12-02T00:00:00.000Z',
        participants: [
          participant(bob, 'joined'),
          participant(me, 'invited'),
          participant(carol, 'joined'),
        ],
      },
    }
    const line = (html: string): string =>
      /data-testid="incoming-group"[^>]*>([^<]*)</.exec(html)?.[1] ?? 'missing'
    expect(line(await render(false, 'en', group))).toBe('Group call with Bob and Carol')
    expect(line(await render(false, 'zh-CN', group))).toBe('多人通话：Bob和Carol')
  })
})
