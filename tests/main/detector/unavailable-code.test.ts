import Value from 'typebox/value'
import { describe, expect, it } from 'vitest'
import { createDetectorBridge, type DetectorModule } from '../../../src/main/detector-bridge.js'
import { reasonDetail, unavailableCodeFor } from '../../../src/main/detector/unavailable-code.js'
import { DetectorStatus, MAX_REASON_LENGTH } from '../../../src/shared/detection.js'

describe('why the detector is unavailable, as a code', () => {
  it('maps each failure to a code the UI words, anything unknown to "failed to start"', () => {
    expect(unavailableCodeFor('missing_sidecar')).toBe('model_missing')
    expect(unavailableCodeFor('missing_model')).toBe('model_missing')
    expect(unavailableCodeFor('bad_sidecar')).toBe('model_invalid')
    expect(unavailableCodeFor('bad_model')).toBe('model_invalid')
    expect(unavailableCodeFor('model_crashed')).toBe('model_crashed')
    expect(unavailableCodeFor('timeout')).toBe('failed_to_start')
    expect(unavailableCodeFor('something new')).toBe('failed_to_start')
  })

  it('keeps the technical detail within what the status schema accepts', () => {
    expect(reasonDetail('model output is [1,3]')).toBe('model output is [1,3]')
    const long = reasonDetail('x'.repeat(5000))
    expect(long).toHaveLength(MAX_REASON_LENGTH)
    expect(long.endsWith('…')).toBe(true)
  })

  it('gives main’s own reasons as codes, with no English sentence in the status', async () => {
    const bridge = (enabled: boolean, load: () => Promise<DetectorModule | null>) =>
      createDetectorBridge({
        load,
        options: () => ({ modelDir: '/nowhere', analysisRate: 5, log: () => undefined }),
        enabled: () => enabled,
        onRisk: () => undefined,
        log: () => undefined,
      })
    const statusOf = async (b: ReturnType<typeof bridge>): Promise<DetectorStatus> =>
      (await b.get()).status()

    const off = await statusOf(bridge(false, async () => null))
    expect(off).toEqual({ available: false, code: 'turned_off', model: null, fps: 0 })
    const missing = await statusOf(bridge(true, async () => null))
    expect(missing).toEqual({ available: false, code: 'not_in_build', model: null, fps: 0 })
    const failing = await statusOf(
      bridge(true, async () => {
        throw new Error('cannot find module onnxruntime-node')
      }),
    )
    expect(failing).toMatchObject({ available: false, code: 'failed_to_start' })
    expect(failing.reason).toMatch(/onnxruntime-node/)
    for (const status of [off, missing, failing])
      expect(Value.Check(DetectorStatus, status)).toBe(true)
  })
})
