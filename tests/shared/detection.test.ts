import type Type from 'typebox'
import Value from 'typebox/value'
import { describe, expect, expectTypeOf, it } from 'vitest'
import * as detection from '../../src/shared/detection.js'
import { eventContract, invokeContract } from '../../src/shared/ipc-contract.js'

describe('detection contract: one schema per shape', () => {
  it('the IPC map validates with the schemas detection.ts owns (not copies of them)', () => {
    expect(invokeContract['detector:status'].result).toBe(detection.DetectorStatus)
    expect(invokeContract['detector:submitFrame'].args.items[0]).toBe(detection.FrameInput)
    expect(invokeContract['detector:endSession'].result.anyOf[0]).toBe(detection.SecurityReport)
    expect(eventContract['event:risk']).toBe(detection.RiskUpdate)
  })

  it('every detection type is the static type of its schema', () => {
    expectTypeOf<detection.RiskLevel>().toEqualTypeOf<Type.Static<typeof detection.RiskLevel>>()
    expectTypeOf<detection.DetectorStatus>().toEqualTypeOf<
      Type.Static<typeof detection.DetectorStatus>
    >()
    expectTypeOf<detection.RiskUpdate>().toEqualTypeOf<Type.Static<typeof detection.RiskUpdate>>()
    expectTypeOf<detection.ChallengeStatus>().toEqualTypeOf<
      Type.Static<typeof detection.ChallengeStatus>
    >()
    expectTypeOf<detection.SecurityReport>().toEqualTypeOf<
      Type.Static<typeof detection.SecurityReport>
    >()
    expectTypeOf<detection.FrameInput>().toEqualTypeOf<Type.Static<typeof detection.FrameInput>>()
  })

  it('a report as main builds it passes the boundary; a level outside RiskLevel does not', () => {
    const report: detection.SecurityReport = {
      callId: 7,
      model: { name: 'm', version: '1' },
      startedAt: 0,
      endedAt: 1000,
      peakLevel: 'elevated',
      peakScore: 0.6,
      shareByLevel: { analysing: 0.2, low: 0.5, elevated: 0.3 },
      timeline: [{ t: 0, level: 'low', score: 0.1 }],
    }
    expect(Value.Check(detection.SecurityReport, report)).toBe(true)
    expect(Value.Check(detection.SecurityReport, { ...report, peakLevel: 'severe' })).toBe(false)
  })

  it('a frame is checked once, at the size the header and the schema agree on', () => {
    const side = detection.MAX_FRAME_SIDE
    const ok = {
      callId: 1,
      width: side,
      height: 1,
      timestampMs: 0,
      data: new ArrayBuffer(side * 4),
    }
    expect(Value.Check(detection.FrameInput, ok)).toBe(true)
    expect(Value.Check(detection.FrameInput, { ...ok, width: side + 1 })).toBe(false)
    expect(Value.Check(detection.FrameInput, { ...ok, data: new ArrayBuffer(side * 4 - 1) })).toBe(
      false,
    )
  })
})
