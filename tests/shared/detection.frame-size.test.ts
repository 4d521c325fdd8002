import Value from 'typebox/value'
import { describe, expect, it } from 'vitest'
import { FrameInput, MAX_FRAME_SIDE, isFrameSize } from '../../src/shared/ipc-contract.js'

const frame = (width: number, height: number, bytes = width * height * 4) => ({
  callId: 1,
  width,
  height,
  timestampMs: 0,
  data: new ArrayBuffer(bytes),
})

describe('the one frame-size rule (IPC validation and the web bridge)', () => {
  it('takes whole sides of 1..MAX_FRAME_SIDE px with exactly width × height RGBA bytes', () => {
    expect(isFrameSize(1, 1, 4)).toBe(true)
    expect(isFrameSize(MAX_FRAME_SIDE, 360, MAX_FRAME_SIDE * 360 * 4)).toBe(true)
    expect(isFrameSize(MAX_FRAME_SIDE + 1, 1, (MAX_FRAME_SIDE + 1) * 4)).toBe(false)
    expect(isFrameSize(0, 0, 0)).toBe(false)
    expect(isFrameSize(10, 10, 399)).toBe(false)
    expect(isFrameSize(2.5, 2, 20)).toBe(false)
  })

  it('is what main’s IPC schema checks a submitted frame with', () => {
    for (const [w, h, bytes] of [
      [640, 360, undefined],
      [641, 360, undefined],
      [10, 10, 12],
      [0, 0, 0],
    ] as const) {
      const f = frame(w, h, bytes)
      expect(Value.Check(FrameInput, f), `${w}×${h}`).toBe(isFrameSize(w, h, f.data.byteLength))
    }
  })
})
