import { describe, expect, it } from 'vitest'
import { detectorBridgeFor, detectorBridgeUrl } from '../../../src/renderer/src/platform/web.js'
import { createUnavailableDetectionPort } from '../../../src/renderer/src/detection/web-detection-port.js'

describe('web platform detector bridge URL', () => {
  it('accepts only a loopback ws:// bridge', () => {
    expect(detectorBridgeUrl('?detector=ws%3A%2F%2F127.0.0.1%3A4567%2Fdetector')).toBe(
      'ws://127.0.0.1:4567/detector',
    )
    expect(detectorBridgeUrl('?detector=ws://localhost:1/detector')).toBe(
      'ws://localhost:1/detector',
    )
    expect(detectorBridgeUrl('?detector=ws://evil.example:1/detector')).toBeNull()
    expect(detectorBridgeUrl('?detector=wss://127.0.0.1:1/detector')).toBeNull()
    expect(detectorBridgeUrl('?detector=ws://127.0.0.1.evil.example/detector')).toBeNull()
    expect(detectorBridgeUrl('')).toBeNull()
  })

  const at = (url: string) => {
    const { search, protocol, hostname, host } = new URL(url)
    return { search, protocol, hostname, host }
  }

  it('uses /detector on the page’s own origin when the page comes from this computer', () => {
    expect(detectorBridgeFor(at('http://localhost:8000/'))).toEqual({
      url: 'ws://localhost:8000/detector',
    })
    expect(detectorBridgeFor(at('http://127.0.0.1:41234/?x=1'))).toEqual({
      url: 'ws://127.0.0.1:41234/detector',
    })
    // A bridge named in the URL (npm run detector:bridge) still wins.
    expect(
      detectorBridgeFor(at('http://localhost:8000/?detector=ws://127.0.0.1:9/detector')),
    ).toEqual({ url: 'ws://127.0.0.1:9/detector' })
  })

  it('never sends frames off this computer, and says why there is no face check', async () => {
    for (const page of ['https://veracall.example.com/', 'http://192.168.1.5:8000/']) {
      expect(detectorBridgeFor(at(page))).toEqual({ unavailable: 'web_remote_page' })
    }
    const status = await createUnavailableDetectionPort('web_remote_page').status()
    expect(status).toEqual({ available: false, reason: 'web_remote_page', model: null, fps: 0 })
  })
})
