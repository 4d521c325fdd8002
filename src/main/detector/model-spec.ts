/**
 * The pluggable classifier's sidecar, `model.json` beside `model.onnx` (spec version 1, documented
 * in resources/models/README.md). Validated before anything is loaded, with errors a user can act on.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import Type from 'typebox'
import Value from 'typebox/value'

const Triple = Type.Array(Type.Number(), { minItems: 3, maxItems: 3 })

export const ModelSidecar = Type.Object({
  specVersion: Type.Literal(1),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  version: Type.String({ minLength: 1, maxLength: 40 }),
  licence: Type.String({ minLength: 1 }),
  source: Type.String({ minLength: 1 }),
  /** ONNX file name inside the folder; default model.onnx. */
  file: Type.Optional(Type.String({ minLength: 1, pattern: '^[^/\\\\]+\\.onnx$' })),
  /** S: the input is float32 [N,3,S,S], RGB in [0,1]. */
  inputSize: Type.Integer({ minimum: 32, maximum: 1024 }),
  /** Crop side = cropScale × the larger side of the face box. */
  cropScale: Type.Number({ minimum: 0.5, maximum: 3 }),
  /** Applied by the engine when the graph does not normalise: (x - mean) / std per channel. */
  mean: Type.Optional(Triple),
  std: Type.Optional(Triple),
  output: Type.Union([Type.Literal('logit1'), Type.Literal('softmax2')]),
  /** Which softmax column is "fake" (softmax2 only). */
  fakeIndex: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)])),
  calibration: Type.Object({
    /** P(fake) at or above which a frame's score counts toward "High". */
    threshold: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
    /** P(fake) at or above which the level is at least "Elevated"; default: halfway in logit. */
    elevated: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
    /** Added to the model's logit before the sigmoid (recentres a foreign model). */
    logitBias: Type.Number(),
    /** The sequential "High" rule (src/shared/risk.ts EvidenceRule), chosen on real clips. */
    evidence: Type.Optional(
      Type.Object({
        driftLogit: Type.Number({ minimum: -20, maximum: 20 }),
        capLogit: Type.Number({ exclusiveMinimum: 0, maximum: 20 }),
        highLogitSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }),
        elevatedLogitSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }),
      }),
    ),
  }),
})
export type ModelSidecar = Type.Static<typeof ModelSidecar>

export class ModelSpecError extends Error {
  constructor(
    message: string,
    readonly code: 'missing_sidecar' | 'bad_sidecar' | 'missing_model' | 'bad_model',
  ) {
    super(message)
    this.name = 'ModelSpecError'
  }
}

/** Checks a parsed sidecar; throws ModelSpecError listing every problem with its field. */
export function validateSidecar(json: unknown): ModelSidecar {
  if (!Value.Check(ModelSidecar, json)) {
    const problems = [...Value.Errors(ModelSidecar, json)]
      .filter((e) => e.keyword !== 'anyOf' || e.instancePath === '')
      .map((e) => `${e.instancePath || '(root)'} ${e.message}`)
    throw new ModelSpecError(
      `model.json is not a valid model sidecar: ${[...new Set(problems)].join('; ')}`,
      'bad_sidecar',
    )
  }
  const s = json
  if (s.output === 'softmax2' && s.fakeIndex === undefined) {
    throw new ModelSpecError(
      'model.json: output "softmax2" needs fakeIndex (0 or 1)',
      'bad_sidecar',
    )
  }
  if ((s.mean === undefined) !== (s.std === undefined)) {
    throw new ModelSpecError('model.json: give both mean and std, or neither', 'bad_sidecar')
  }
  if (s.std?.some((v) => v <= 0)) {
    throw new ModelSpecError('model.json: std values must be > 0', 'bad_sidecar')
  }
  if (s.calibration.elevated !== undefined && s.calibration.elevated > s.calibration.threshold) {
    throw new ModelSpecError('model.json: calibration.elevated must be ≤ threshold', 'bad_sidecar')
  }
  return s
}

export interface ModelFolder {
  dir: string
  sidecar: ModelSidecar
  modelPath: string
}

export async function readModelFolder(dir: string): Promise<ModelFolder> {
  let text: string
  try {
    text = await readFile(path.join(dir, 'model.json'), 'utf8')
  } catch {
    throw new ModelSpecError(`no model.json in ${dir}`, 'missing_sidecar')
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new ModelSpecError(`model.json is not JSON: ${(e as Error).message}`, 'bad_sidecar')
  }
  const sidecar = validateSidecar(json)
  return { dir, sidecar, modelPath: path.join(dir, sidecar.file ?? 'model.onnx') }
}
