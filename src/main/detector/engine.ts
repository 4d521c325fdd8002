/**
 * One frame in, one verdict out: detect → align → crop → quality gates → classify. Plain Node
 * (onnxruntime-node), run inside the detector worker; no Electron.
 */
import { performance } from 'node:perf_hooks'
import type { FaceDetection } from './blazeface.js'
import { cropGeometry, sampleCrop, toPlanarTensor } from './align.js'
import type { ClassifierInfo } from './classifier.js'
import { FaceClassifier } from './classifier.js'
import { FaceDetector } from './face-detector.js'
import type { ModelSidecar } from './model-spec.js'
import type { QualityThresholds } from './quality.js'
import type { PoseEstimate } from './quality.js'
import { DEFAULT_QUALITY, estimatePose, judgeQuality, sharpness } from './quality.js'

/** `bad_output`: the classifier gave NaN or ±Infinity (a broken user model): no data, no score. */
export type FrameStatus =
  'ok' | 'no_face' | 'small_face' | 'low_score' | 'blurred' | 'extreme_pose' | 'bad_output'

export interface FrameAnalysis {
  status: FrameStatus
  /** Classifier log-odds of "fake" for the main face; only when status is 'ok'. */
  logit: number | null
  pFake: number | null
  face: { score: number; box: FaceDetection['box'] } | null
  /** Head pose of the main face (for the Verify challenge); null without a face. */
  pose: PoseEstimate | null
  timings: { detectMs: number; cropMs: number; classifyMs: number }
  /**
   * CPU time the frame took in the detector process (all its threads), set by the process entry.
   * Unlike the wall-clock timings it does not grow when other programs busy the machine.
   */
  cpuMs?: number
}

export interface EngineOptions {
  modelDir: string
  intraOpNumThreads?: number
  quality?: Partial<QualityThresholds>
}

/**
 * Not re-entrant: the per-frame buffers below (and the detector's input tensor) are reused, so
 * frames go one at a time, as the worker's queue sends them.
 */
export class DetectorEngine {
  private readonly rgb: Uint8Array
  private readonly grey: Float32Array
  private readonly planar: Float32Array

  private constructor(
    private readonly detector: FaceDetector,
    private readonly classifier: FaceClassifier,
    private readonly quality: QualityThresholds,
  ) {
    const size = classifier.info.inputSize
    this.rgb = new Uint8Array(size * size * 3)
    this.grey = new Float32Array(size * size)
    this.planar = new Float32Array(3 * size * size)
  }

  static async create(opts: EngineOptions): Promise<DetectorEngine> {
    const threads = opts.intraOpNumThreads ?? 1
    const classifier = await FaceClassifier.load(opts.modelDir, threads)
    const detector = await FaceDetector.create({ intraOpNumThreads: threads })
    return new DetectorEngine(detector, classifier, { ...DEFAULT_QUALITY, ...opts.quality })
  }

  get model(): ClassifierInfo {
    return this.classifier.info
  }

  get calibration(): ModelSidecar['calibration'] {
    return this.classifier.sidecar.calibration
  }

  async analyse(rgba: Uint8Array, width: number, height: number): Promise<FrameAnalysis> {
    if (rgba.length !== width * height * 4) {
      throw new RangeError(`frame is ${rgba.length} bytes, expected ${width}×${height}×4`)
    }
    const t0 = performance.now()
    const faces = await this.detector.detect(rgba, width, height)
    const t1 = performance.now()
    // The main face is the largest: in a call, the person talking to you.
    const face = faces.reduce<FaceDetection | undefined>(
      (best, f) =>
        !best || f.box.width * f.box.height > best.box.width * best.box.height ? f : best,
      undefined,
    )
    const none = { detectMs: t1 - t0, cropMs: 0, classifyMs: 0 }
    if (!face)
      return { status: 'no_face', logit: null, pFake: null, face: null, pose: null, timings: none }
    const size = this.classifier.info.inputSize
    const g = cropGeometry(face, this.classifier.info.cropScale)
    const rgb = sampleCrop(rgba, width, height, g, size, this.rgb)
    const sharp = sharpness(rgb, size, this.grey)
    const pose = estimatePose(face, g)
    const verdict = judgeQuality(face, pose, sharp, this.quality)
    const t2 = performance.now()
    const summary = { score: face.score, box: face.box }
    const timings = { detectMs: t1 - t0, cropMs: t2 - t1, classifyMs: 0 }
    if (!verdict.ok)
      return { status: verdict.reason, logit: null, pFake: null, face: summary, pose, timings }
    const { logit, pFake } = await this.classifier.classify(toPlanarTensor(rgb, size, this.planar))
    timings.classifyMs = performance.now() - t2
    if (!Number.isFinite(logit))
      return { status: 'bad_output', logit: null, pFake: null, face: summary, pose, timings }
    return { status: 'ok', logit, pFake, face: summary, pose, timings }
  }

  async release(): Promise<void> {
    await Promise.all([this.detector.release(), this.classifier.release()])
  }
}
