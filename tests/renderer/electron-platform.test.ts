import { describe, expect, it } from 'vitest'
import { createElectronPlatform } from '../../src/renderer/src/platform/electron.js'
import { createFakeDesktop } from './fakes/fake-desktop.js'

const platformOver = (desktop: ReturnType<typeof createFakeDesktop>) => {
  const win = { veracall: desktop.api, navigator: { languages: ['en'] } }
  const platform = createElectronPlatform(
    win as unknown as Parameters<typeof createElectronPlatform>[0],
  )
  if (!platform) throw new Error('expected the desktop platform')
  return platform
}

describe('desktop platform: detection port', () => {
  it('asks main to verify (raise the analysis rate) for the call the button belongs to', async () => {
    const desktop = createFakeDesktop()
    await platformOver(desktop).detection?.verify?.(42)
    expect(desktop.callsTo('detector:verify')).toEqual([[42]])
  })

  it('surfaces a refusal from main as an error instead of pretending to verify', async () => {
    const desktop = createFakeDesktop({
      'detector:verify': () => {
        throw new Error('not_found')
      },
    })
    await expect(platformOver(desktop).detection?.verify?.(42)).rejects.toThrow(/not_found/)
  })
})
