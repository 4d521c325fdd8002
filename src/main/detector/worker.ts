/**
 * Detector worker entry (worker_threads; the same message protocol fits an Electron
 * utilityProcess). Owns the ONNX sessions; the host only ever sees envelopes.
 */
import { parentPort } from 'node:worker_threads'
import { DetectorEngine } from './engine.js'
import type { RequestEnvelope, ResponseEnvelope, WorkerResult } from './worker-protocol.js'
import { serializeError } from './worker-protocol.js'

if (!parentPort) throw new Error('detector worker must run in a worker thread')
const port = parentPort
let engine: DetectorEngine | null = null
// One frame at a time: ONNX runs are serialised so frames are answered in order.
let queue: Promise<unknown> = Promise.resolve()

async function handle(req: RequestEnvelope['request']): Promise<WorkerResult> {
  switch (req.type) {
    case 'init': {
      await engine?.release()
      engine = null
      engine = await DetectorEngine.create({
        modelDir: req.modelDir,
        intraOpNumThreads: req.intraOpNumThreads,
      })
      return { model: engine.model, calibration: engine.calibration }
    }
    case 'analyse': {
      if (!engine) throw Object.assign(new Error('detector not initialised'), { code: 'not_ready' })
      return engine.analyse(new Uint8Array(req.data), req.width, req.height)
    }
    case 'hang': {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, req.ms)
      return null
    }
  }
}

port.on('message', (msg: RequestEnvelope) => {
  queue = queue.then(async () => {
    let reply: ResponseEnvelope
    try {
      reply = { seq: msg.seq, response: { ok: true, value: await handle(msg.request) } }
    } catch (e) {
      reply = { seq: msg.seq, response: { ok: false, error: serializeError(e) } }
    }
    port.postMessage(reply)
  })
})
