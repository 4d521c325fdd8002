import { describe, expect, it } from 'vitest'
import { createElectronPlatform } from '../../../src/renderer/src/platform/electron.js'
import { createFakeDesktop } from '../fakes/fake-desktop.js'

async function detectionOver(desktop: ReturnType<typeof createFakeDesktop>) {
  // A window with just what the platform reads: the preload API and the browser's languages.
  const win = { veracall: desktop.api, navigator: { languages: ['en'] } }
  const platform = createElectronPlatform(
    win as unknown as Parameters<typeof createElectronPlatform>[0],
  )
  if (!platform?.detection) throw new Error('expected the desktop detection port')
  return platform.detection
}

describe('desktop platform: detection port', () => {
  it('asks main to verify (judge a challenge) for the call the button belongs to', async () => {
    const desktop = createFakeDesktop()
    await (await detectionOver(desktop)).verify?.(42, 'pass_hand')
    expect(desktop.callsTo('detector:verify')).toEqual([[42, 'pass_hand']])
  })

  it('surfaces a refusal from main as an error instead of pretending to verify', async () => {
    const desktop = createFakeDesktop({
      'detector:verify': () => {
        throw new Error('not_found')
      },
    })
    await expect((await detectionOver(desktop)).verify?.(42, 'turn_head')).rejects.toThrow(
      /not_found/,
    )
  })
})
