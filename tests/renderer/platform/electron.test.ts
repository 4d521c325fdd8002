import { describe, expect, it } from 'vitest'
import type { DetectionPort } from '../../../src/shared/detection.js'
import { createFakeDesktop } from '../fakes/fake-desktop.js'

/** Loaded by path, as in the settings view test: the root typecheck stays free of DOM types. */
const PLATFORM = '../../../src/renderer/src/platform/electron.ts'
type CreateElectronPlatform = (win: object) => { detection?: DetectionPort } | null

async function detectionOver(desktop: ReturnType<typeof createFakeDesktop>) {
  const mod = (await import(/* @vite-ignore */ PLATFORM)) as {
    createElectronPlatform: CreateElectronPlatform
  }
  const platform = mod.createElectronPlatform({
    veracall: desktop.api,
    navigator: { languages: ['en'] },
  })
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
