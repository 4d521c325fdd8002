import { mkdtemp, readFile, rm, cp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Value from 'typebox/value'
import { afterEach, describe, expect, it } from 'vitest'
import { createDetectorHost, effectiveFps } from '../../../src/main/detector/host.js'
import { DetectorError, WorkerHost } from '../../../src/main/detector/worker-host.js'
import type { RiskUpdate } from '../../../src/shared/detection.js'
import { SecurityReport } from '../../../src/shared/ipc-contract.js'
import type { DetectorChild } from '../../../src/main/detector/detector-process.js'
import type { ResponseEnvelope } from '../../../src/main/detector/worker-protocol.js'
import { memoryBombModel } from './onnx-bytes.js'
import { demoFrame, demoPhoto, frameOf } from './photos.js'

const MODEL = path.resolve('tests/fixtures/detector/tiny-logit1')
const FAST = { initialMs: 20, maxMs: 200 }
const codeOf = async (p: Promise<unknown>): Promise<string> => {
  const e: unknown = await p.then(
    () => null,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(DetectorError)
  return (e as DetectorError).code
}

// Each test starts real detector processes; on a loaded machine that takes seconds.
describe('detector worker host', { timeout: 60_000 }, () => {
  const hosts: WorkerHost[] = []
  const make = (opts: Partial<ConstructorParameters<typeof WorkerHost>[0]> = {}): WorkerHost => {
    const h = new WorkerHost({ modelDir: MODEL, backoff: FAST, ...opts })
    hosts.push(h)
    return h
  }
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.stop()))
  })

  it('analyses a frame in the detector process', async () => {
    const h = make()
    const init = await h.start()
    expect(init.model.name).toBe('test-tiny-logit1')
    const frame = frameOf(await demoPhoto('sample3.jpg'))
    const a = await h.analyse(frame)
    expect(a.status).toBe('ok')
    expect(a.logit).not.toBeNull()
    expect(a.face?.box.width).toBeGreaterThan(80)
  })

  it('rejects the pending request with a code when the worker dies, then recovers', async () => {
    const h = make()
    await h.start()
    const img = await demoPhoto('sample1.jpg')
    const pending = h.analyse(frameOf(img))
    await h.kill()
    expect(await codeOf(pending)).toBe('worker_crashed')
    const next = await h.analyse(frameOf(img))
    expect(next.status).not.toBeUndefined()
    expect(h.state.state).toBe('ready')
  })

  it('treats a hung worker as crashed: timeout code, restart, next request succeeds', async () => {
    const h = make()
    await h.start()
    expect(await codeOf(h.hang(60_000, 500))).toBe('timeout')
    const a = await h.analyse(frameOf(await demoPhoto('sample3.jpg')))
    expect(a.status).toBe('ok')
  })

  it('sends no request to a worker it has given up on as hung, even before that worker exits', async () => {
    const h = make()
    await h.start()
    const frame = frameOf(await demoPhoto('sample3.jpg'))
    expect(await codeOf(h.hang(60_000, 500))).toBe('timeout')
    // Straight after the timeout, while the hung worker may still be terminating.
    expect((await h.analyse(frame)).status).toBe('ok')
  })

  it('goes "unavailable" with a reason on a corrupt model, without crashing anything', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'veracall-corrupt-'))
    try {
      await cp(MODEL, dir, { recursive: true })
      await writeFile(path.join(dir, 'model.onnx'), Buffer.alloc(2048, 7))
      const h = make({ modelDir: dir })
      expect(await codeOf(h.start())).toBe('unavailable')
      expect(h.state).toMatchObject({ state: 'unavailable', code: 'bad_model' })
      expect(await codeOf(h.analyse(frameOf(await demoPhoto('sample3.jpg'))))).toBe('unavailable')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('survives a model that eats memory: the detector process is killed, the host stays up', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'veracall-bomb-'))
    try {
      // ~2 GB on its first run, from a file of a few hundred bytes (the review's crash case).
      const bomb = memoryBombModel(32, 163_840)
      expect(bomb.length).toBeLessThan(300)
      await writeFile(path.join(dir, 'model.onnx'), bomb)
      await writeFile(
        path.join(dir, 'model.json'),
        JSON.stringify({
          specVersion: 1,
          name: 'bomb',
          version: '1',
          licence: 'test',
          source: 'test',
          inputSize: 32,
          cropScale: 1.1,
          output: 'logit1',
          calibration: { threshold: 0.9, logitBias: 0 },
        }),
      )
      const h = make({ modelDir: dir, memoryLimitBytes: 400 * 2 ** 20, memoryCheckMs: 50 })
      expect(await codeOf(h.start())).toBe('unavailable')
      expect(h.state).toMatchObject({ state: 'unavailable', code: 'model_crashed' })
      if (h.state.state === 'unavailable') expect(h.state.reason).toMatch(/memory|exit|SIG/)
      // This process (the app's stand-in) is alive and the host answers plainly.
      expect(await codeOf(h.analyse(frameOf(await demoPhoto('sample3.jpg'))))).toBe('unavailable')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('rejects a frame whose size does not match its buffer', async () => {
    const h = make()
    expect(await codeOf(h.analyse({ width: 10, height: 10, data: new ArrayBuffer(12) }))).toBe(
      'bad_frame',
    )
  })
})

describe('detector host (sessions, rate, risk updates)', { timeout: 60_000 }, () => {
  it('runs a call session end to end and reports it', async () => {
    const logs: string[] = []
    // An unlimited CPU budget: the rate under test is the configured one, whatever this
    // machine's load makes a frame cost (the budget rule has its own test below).
    const host = createDetectorHost({
      modelDir: MODEL,
      analysisRate: 5,
      cpuBudget: Infinity,
      log: (m) => logs.push(m),
    })
    try {
      const updates: RiskUpdate[] = []
      host.onRisk((u) => updates.push(u))
      expect(await host.status()).toMatchObject({ available: true, fps: 5 })
      await host.startSession(42)
      const img = await demoPhoto('sample3.jpg')
      for (let i = 0; i < 6; i++) {
        await host.submitFrame({ callId: 42, timestampMs: i * 100, ...frameOf(img) })
      }
      // 5 fps: frames 100 ms apart → every other one is analysed.
      const analysed = updates.filter((u) => u.score !== null)
      expect(analysed).toHaveLength(3)
      expect(updates.every((u) => u.callId === 42 && u.level === 'analysing')).toBe(true)
      expect(updates.at(-1)?.model).toEqual({ name: 'test-tiny-logit1', version: '0.0.1' })
      const report = await host.endSession(42)
      expect(report?.callId).toBe(42)
      expect(report?.timeline.length).toBeGreaterThan(0)
      expect(await host.endSession(42)).toBeNull()
      expect(logs).toContain('detector ready: test-tiny-logit1 0.0.1')
    } finally {
      await host.stop()
    }
  })

  it('Verify analyses the call at 10 fps for 5 s from the next frame, then the set rate again', async () => {
    const host = createDetectorHost({
      modelDir: MODEL,
      analysisRate: 2,
      cpuBudget: Infinity,
      log: () => {},
    })
    try {
      const analysedAt: number[] = []
      let t = 0
      host.onRisk((u) => {
        if (u.history.length > 0) analysedAt.push(t)
      })
      await host.startSession(3)
      const img = await demoPhoto('sample3.jpg')
      const run = async (from: number, to: number): Promise<void> => {
        for (t = from; t < to; t += 100)
          await host.submitFrame({ callId: 3, timestampMs: t, ...frameOf(img) })
      }
      await run(1000, 2000) // 2 fps: 1000, 1500
      await host.verify(3)
      await host.verify(3) // asking twice does not make it longer
      await run(2000, 8000)
      expect(analysedAt.filter((x) => x < 2000)).toEqual([1000, 1500])
      // Every 100 ms frame from 2000 to 6900, then back to one every 500 ms after the last.
      expect(analysedAt.filter((x) => x >= 2000 && x < 7000)).toHaveLength(50)
      expect(analysedAt.filter((x) => x >= 7000)).toEqual([7400, 7900])
      // Unknown calls and lengths beyond 10 s are bounded (no-op / capped).
      await host.verify(99)
      await host.verify(3, { ms: 600_000 })
      await run(8000, 20_000)
      // Capped at 10 s: 10 fps from 8000 to 17_900, then 2 fps again.
      expect(analysedAt.filter((x) => x >= 8000 && x < 18_000)).toHaveLength(100)
      expect(analysedAt.filter((x) => x >= 18_000)).toEqual([18_400, 18_900, 19_400, 19_900])
    } finally {
      await host.stop()
    }
  })

  it('a model that outputs NaN/Infinity gives no score, and the call still gets a valid report', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'veracall-nan-'))
    await cp(MODEL, dir, { recursive: true })
    const sidecar: unknown = JSON.parse(await readFile(path.join(MODEL, 'model.json'), 'utf8'))
    // Normalising by a vanishing std turns the crop into ±Infinity, so the graph outputs NaN/±Inf.
    const std = [1e-300, 1e-300, 1e-300]
    const broken = { ...(sidecar as object), mean: [0, 0, 0], std }
    await writeFile(path.join(dir, 'model.json'), JSON.stringify(broken))
    const host = createDetectorHost({
      modelDir: dir,
      analysisRate: 10,
      cpuBudget: Infinity,
      log: () => {},
    })
    try {
      const updates: RiskUpdate[] = []
      host.onRisk((u) => updates.push(u))
      await host.startSession(7)
      const img = await demoPhoto('sample3.jpg')
      for (let i = 0; i < 8; i++) {
        await host.submitFrame({ callId: 7, timestampMs: i * 400, ...frameOf(img) })
      }
      expect(updates.length).toBeGreaterThan(1)
      expect(updates.every((u) => u.score === null && u.history.every((h) => h === null))).toBe(
        true,
      )
      expect(updates.at(-1)?.level).toBe('insufficient_quality')
      const report = await host.endSession(7)
      expect(Value.Check(SecurityReport, report)).toBe(true)
      expect(report?.peakScore).toBeNull()
    } finally {
      await host.stop()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('says why it is unavailable and emits "unavailable" instead of scores', async () => {
    const host = createDetectorHost({
      modelDir: path.resolve('tests/fixtures/detector/wrong-output'),
      analysisRate: 5,
      log: () => undefined,
    })
    try {
      const st = await host.status()
      expect(st.available).toBe(false)
      expect(st.reason).toMatch(/output/)
      // The UI words the code; the detail above stays apart from its sentence.
      expect(st.code).toBe('model_invalid')
      const updates: RiskUpdate[] = []
      host.onRisk((u) => updates.push(u))
      await host.startSession(1)
      await host.submitFrame(await demoFrame(1, 'sample3.jpg'))
      expect(updates.length).toBeGreaterThan(0)
      expect(updates.every((u) => u.level === 'unavailable' && u.score === null)).toBe(true)
    } finally {
      await host.stop()
    }
  })
})

describe('analysis rate', () => {
  it('keeps the configured rate within budget and lowers it when frames get expensive', () => {
    expect(effectiveFps(5, null, 0.2)).toBe(5)
    expect(effectiveFps(5, 5, 0.2)).toBe(5) // 25 ms/s of 200 allowed
    expect(effectiveFps(10, 50, 0.2)).toBe(4) // 200 ms / 50 ms
    expect(effectiveFps(5, 900, 0.2)).toBe(1) // never below 1 fps
    expect(effectiveFps(25, 1, 0.2)).toBe(10) // clamped to 1–10
  })
})

describe('detector host on a busy machine', () => {
  /**
   * A stand-in detector process: answers at once, each frame taking 400 ms of wall time (other
   * programs have the CPU) but only 5 ms of its own CPU.
   */
  const busyMachineDetector = (): DetectorChild => {
    let onMessage: (e: ResponseEnvelope) => void = () => undefined
    return {
      send: ({ seq, request }) => {
        const value =
          request.type === 'init'
            ? {
                model: { name: 'fake', version: '1', inputSize: 8, cropScale: 1.1, loadCheckMs: 1 },
                calibration: { threshold: 0.9, logitBias: 0 },
              }
            : {
                status: 'ok' as const,
                logit: -3,
                pFake: 0.05,
                face: { score: 0.9, box: { x: 0, y: 0, width: 100, height: 100 } },
                pose: { yaw: 0, pitch: 0.5 },
                timings: { detectMs: 300, cropMs: 50, classifyMs: 50 },
                cpuMs: 5,
              }
        queueMicrotask(() => onMessage({ seq, response: { ok: true, value } }))
      },
      onMessage: (l) => {
        onMessage = l
      },
      onExit: () => undefined,
      kill: () => undefined,
      rssBytes: () => null,
    }
  }

  it('keeps the configured rate when frames are slow only because the machine is busy', async () => {
    const host = createDetectorHost({
      modelDir: 'unused',
      analysisRate: 5,
      log: () => undefined,
      spawn: busyMachineDetector,
    })
    try {
      let analysed = 0
      host.onRisk((u) => {
        if (u.score !== null) analysed++
      })
      await host.startSession(1)
      for (let t = 0; t < 10_000; t += 100) {
        await host.submitFrame({
          callId: 1,
          timestampMs: t,
          width: 2,
          height: 2,
          data: new ArrayBuffer(16),
        })
      }
      // 5 fps over 10 s. Throttling on the 400 ms wall time would have kept 1 fps (10 frames).
      expect(analysed).toBe(50)
    } finally {
      await host.stop()
    }
  })
})
