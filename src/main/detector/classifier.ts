/** The pluggable face classifier: an ONNX graph plus its validated sidecar (model-spec.ts). */
import { performance } from 'node:perf_hooks'
import ort from 'onnxruntime-node'
import type { ModelFolder, ModelSidecar } from './model-spec.js'
import { ModelSpecError, readModelFolder } from './model-spec.js'

export interface ClassifierInfo {
  name: string
  version: string
  inputSize: number
  cropScale: number
  /** Time of the dummy-batch check at load, ms (a first, cold run). */
  loadCheckMs: number
}

export interface ClassifierOutput {
  /** log-odds of "fake" after the sidecar's logitBias. */
  logit: number
  pFake: number
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x))

export class FaceClassifier {
  private readonly inputName: string
  private readonly outputName: string

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly sidecar: ModelSidecar,
    readonly info: ClassifierInfo,
  ) {
    this.inputName = session.inputNames[0] ?? 'input'
    this.outputName = session.outputNames[0] ?? 'output'
  }

  /**
   * Loads the folder's model and proves it with one dummy batch: a wrong input or output shape or
   * a corrupt file throws ModelSpecError here, before any frame is scored.
   */
  static async load(dir: string, intraOpNumThreads = 1): Promise<FaceClassifier> {
    const folder: ModelFolder = await readModelFolder(dir)
    const s = folder.sidecar
    let session: ort.InferenceSession
    try {
      session = await ort.InferenceSession.create(folder.modelPath, {
        intraOpNumThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
      })
    } catch (e) {
      const missing = /no such file|doesn't exist|not exist|ENOENT/i.test(String(e))
      throw new ModelSpecError(
        missing
          ? `model file ${folder.modelPath} is missing`
          : `model file ${folder.modelPath} cannot be loaded: ${(e as Error).message}`,
        missing ? 'missing_model' : 'bad_model',
      )
    }
    const size = s.inputSize
    const t0 = performance.now()
    let dims: readonly number[]
    try {
      const out = await session.run({
        [session.inputNames[0] ?? 'input']: new ort.Tensor(
          'float32',
          new Float32Array(3 * size * size),
          [1, 3, size, size],
        ),
      })
      dims = out[session.outputNames[0] ?? 'output']?.dims ?? []
    } catch (e) {
      await session.release()
      throw new ModelSpecError(
        `model does not accept float32 [1,3,${size},${size}] (inputSize in model.json): ${(e as Error).message}`,
        'bad_model',
      )
    }
    const loadCheckMs = performance.now() - t0
    const want = s.output === 'logit1' ? 1 : 2
    if (dims.length !== 2 || dims[0] !== 1 || dims[1] !== want) {
      await session.release()
      throw new ModelSpecError(
        `model output is [${dims.join(',')}], model.json says "${s.output}" ([N,${want}])`,
        'bad_model',
      )
    }
    return new FaceClassifier(session, s, {
      name: s.name,
      version: s.version,
      inputSize: size,
      cropScale: s.cropScale,
      loadCheckMs,
    })
  }

  /** Scores one crop, planar float32 [3,S,S] RGB in [0,1] (normalised here if the sidecar asks). */
  async classify(planar: Float32Array): Promise<ClassifierOutput> {
    const s = this.sidecar
    const size = s.inputSize
    let x = planar
    if (s.mean && s.std) {
      // Into a fresh array, plane by plane: the caller's crop stays as it was.
      const plane = size * size
      x = new Float32Array(planar.length)
      for (let c = 0; c < 3; c++) {
        const m = s.mean[c] ?? 0
        const d = s.std[c] ?? 1
        for (let i = c * plane; i < (c + 1) * plane; i++) x[i] = ((planar[i] ?? 0) - m) / d
      }
    }
    const out = await this.session.run({
      [this.inputName]: new ort.Tensor('float32', x, [1, 3, size, size]),
    })
    const y = out[this.outputName]?.data as Float32Array
    // softmax2 → log-odds of the fake column: log(p_f / p_r) = z_f - z_r.
    const fake = s.fakeIndex ?? 1
    const raw = s.output === 'logit1' ? (y[0] ?? NaN) : (y[fake] ?? NaN) - (y[1 - fake] ?? NaN)
    const logit = raw + s.calibration.logitBias
    return { logit, pFake: sigmoid(logit) }
  }

  async release(): Promise<void> {
    await this.session.release()
  }
}
