import { createElement } from 'react'
import { describe, expect, it } from 'vitest'
import { DevicesMenu } from '../../../src/renderer/src/components/DevicesMenu.js'
import { createAppStore } from '../../../src/renderer/src/store/index.js'
import { outgoingCall } from '../fakes/controller-harness.js'
import { FakeStream } from '../fakes/fake-peer.js'
import { renderApp } from '../fakes/render-app.js'

const camera = { deviceId: 'cam1', kind: 'videoinput', label: 'Front camera', groupId: 'g' }
const microphone = { deviceId: 'mic1', kind: 'audioinput', label: 'Built-in', groupId: 'g' }

function render(opening: boolean, language: 'en' | 'zh-CN' = 'en'): string {
  const store = createAppStore()
  store.setState({
    phase: 'outgoing',
    callType: 'video',
    cameras: [camera as MediaDeviceInfo],
    microphones: [microphone as MediaDeviceInfo],
    // The caller's devices are open and calls/start has answered, or neither yet.
    localStream: opening ? null : (new FakeStream() as unknown as MediaStream),
    call: opening ? null : outgoingCall(),
  })
  return renderApp(store, createElement(DevicesMenu, { onClose: () => undefined }), language)
}

const disabledSelects = (html: string): number => (html.match(/<select[^>]*disabled/g) ?? []).length

describe('devices menu', () => {
  it('waits, and says why, while the call is being set up', () => {
    expect(disabledSelects(render(true))).toBe(2)
    expect(render(true)).toContain('still opening')
    expect(render(true, 'zh-CN')).toContain('仍在开启')
    expect(disabledSelects(render(false))).toBe(0)
    expect(render(false)).not.toContain('still opening')
  })
})
