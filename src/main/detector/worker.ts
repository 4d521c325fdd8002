/**
 * Detector process entry: a Node child (child_process.fork: `process.send`) or an Electron
 * utility process (`process.parentPort`), one message protocol for both. Owns the ONNX sessions;
 * the host only ever sees envelopes. If anything in here crashes, only this process dies.
 */
import { DetectorEngine } from './engine.js'
import type { RequestEnvelope, ResponseEnvelope, WorkerResult } from './worker-protocol.js'
import { serializeError } from './worker-protocol.js'

/** Electron's utilityProcess side of the channel (not in Node's types). */
interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void
  postMessage(message: unknown): void
}

const electronPort = (process as unknown as { parentPort?: ParentPort }).parentPort
const send = (reply: ResponseEnvelope): void => {
  if (electronPort) electronPort.postMessage(reply)
  else process.send?.(reply)
}
if (!electronPort && !process.send) throw new Error('the detector must run as a child process')

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
      // This process runs nothing else, so its CPU time is the frame's cost.
      const before = process.cpuUsage()
      const a = await engine.analyse(new Uint8Array(req.data), req.width, req.height)
      const used = process.cpuUsage(before)
      return { ...a, cpuMs: (used.user + used.system) / 1000 }
    }
    case 'hang': {
      // Blocks this process's only thread, as a native call that never returns would.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, req.ms)
      return null
    }
  }
}

function onRequest(msg: RequestEnvelope): void {
  queue = queue.then(async () => {
    let reply: ResponseEnvelope
    try {
      reply = { seq: msg.seq, response: { ok: true, value: await handle(msg.request) } }
    } catch (e) {
      reply = { seq: msg.seq, response: { ok: false, error: serializeError(e) } }
    }
    send(reply)
  })
}

if (electronPort) electronPort.on('message', (e) => onRequest(e.data as RequestEnvelope))
else process.on('message', (m) => onRequest(m as RequestEnvelope))
// The host went away (app quit or crashed): nothing left to serve.
process.on('disconnect', () => process.exit(0))
