import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FaceClassifier } from '../../../src/main/detector/classifier.js'
import { ModelSpecError, validateSidecar } from '../../../src/main/detector/model-spec.js'

const FIX = path.resolve('tests/fixtures/detector')
const good = {
  specVersion: 1,
  name: 'x',
  version: '1.0.0',
  licence: 'MIT',
  source: 'here',
  inputSize: 64,
  cropScale: 1.1,
  output: 'logit1',
  calibration: { threshold: 0.8, logitBias: 0 },
}

const errorOf = (f: () => unknown): ModelSpecError => {
  try {
    f()
  } catch (e) {
    if (e instanceof ModelSpecError) return e
    throw e
  }
  throw new Error('expected a ModelSpecError')
}

describe('sidecar validator', () => {
  it('accepts a complete sidecar', () => {
    expect(validateSidecar(good).name).toBe('x')
    expect(validateSidecar({ ...good, output: 'softmax2', fakeIndex: 1 }).fakeIndex).toBe(1)
  })

  it('names every missing field', () => {
    const rest: Record<string, unknown> = { ...good }
    delete rest.name
    delete rest.inputSize
    const e = errorOf(() => validateSidecar(rest))
    expect(e.code).toBe('bad_sidecar')
    expect(e.message).toMatch(/name/)
    expect(e.message).toMatch(/inputSize/)
  })

  it('rejects wrong types and values with the field path', () => {
    expect(errorOf(() => validateSidecar({ ...good, inputSize: '224' })).message).toMatch(
      /\/inputSize/,
    )
    expect(errorOf(() => validateSidecar({ ...good, output: 'probability' })).message).toMatch(
      /\/output/,
    )
    expect(
      errorOf(() => validateSidecar({ ...good, calibration: { threshold: 1.5, logitBias: 0 } }))
        .message,
    ).toMatch(/\/calibration\/threshold/)
    expect(errorOf(() => validateSidecar({ ...good, mean: [0.5, 0.5] })).message).toMatch(/\/mean/)
    expect(errorOf(() => validateSidecar({ ...good, file: '../evil.onnx' })).message).toMatch(
      /\/file/,
    )
  })

  it('checks the rules between fields', () => {
    expect(errorOf(() => validateSidecar({ ...good, output: 'softmax2' })).message).toMatch(
      /fakeIndex/,
    )
    expect(errorOf(() => validateSidecar({ ...good, mean: [0, 0, 0] })).message).toMatch(
      /both mean and std/,
    )
    expect(
      errorOf(() => validateSidecar({ ...good, mean: [0, 0, 0], std: [1, 0, 1] })).message,
    ).toMatch(/> 0/)
  })
})

describe('loading a model folder', () => {
  let dir: string | null = null
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
    dir = null
  })
  const copy = async (name: string): Promise<string> => {
    dir = await mkdtemp(path.join(tmpdir(), 'veracall-model-'))
    await cp(path.join(FIX, name), dir, { recursive: true })
    return dir
  }
  const loadError = async (d: string): Promise<ModelSpecError> => {
    const e: unknown = await FaceClassifier.load(d).then(
      () => null,
      (x: unknown) => x,
    )
    expect(e).toBeInstanceOf(ModelSpecError)
    return e as ModelSpecError
  }

  it('loads a good logit1 model and a softmax2 model with sidecar normalisation', async () => {
    const a = await FaceClassifier.load(path.join(FIX, 'tiny-logit1'))
    expect(a.info.inputSize).toBe(64)
    const x = new Float32Array(3 * 64 * 64).fill(0.5)
    const r = await a.classify(x)
    expect(r.pFake).toBeCloseTo(1 / (1 + Math.exp(-r.logit)), 9)
    await a.release()
    const b = await FaceClassifier.load(path.join(FIX, 'tiny-softmax2'))
    const s = await b.classify(x)
    expect(Number.isFinite(s.logit)).toBe(true)
    await b.release()
  })

  it('reports a missing sidecar', async () => {
    const d = await copy('tiny-logit1')
    await rm(path.join(d, 'model.json'))
    expect((await loadError(d)).code).toBe('missing_sidecar')
  })

  it('reports a sidecar that is not JSON', async () => {
    const d = await copy('tiny-logit1')
    await writeFile(path.join(d, 'model.json'), '{ "name": ')
    expect((await loadError(d)).code).toBe('bad_sidecar')
  })

  it('reports a missing model file', async () => {
    const d = await copy('tiny-logit1')
    await rm(path.join(d, 'model.onnx'))
    expect((await loadError(d)).code).toBe('missing_model')
  })

  it('reports a corrupt model file', async () => {
    const d = await copy('tiny-logit1')
    await writeFile(path.join(d, 'model.onnx'), Buffer.from('this is not an onnx graph'.repeat(40)))
    const e = await loadError(d)
    expect(e.code).toBe('bad_model')
    expect(e.message).toMatch(/cannot be loaded/)
  })

  it('reports an output shape that does not match the sidecar', async () => {
    const e = await loadError(path.join(FIX, 'wrong-output'))
    expect(e.code).toBe('bad_model')
    expect(e.message).toMatch(/\[1,3\].*logit1/)
  })

  it('reports an input size the graph does not accept', async () => {
    const d = await copy('tiny-logit1')
    await writeFile(path.join(d, 'model.json'), JSON.stringify({ ...good, inputSize: 96 }))
    const e = await loadError(d)
    expect(e.code).toBe('bad_model')
    expect(e.message).toMatch(/\[1,3,96,96\]/)
  })
})
