/**
 * The host ↔ worker envelope: {seq, request} one way, {seq, response} back, so requests can
 * overlap and a crashed worker's pending seqs can be rejected. Errors cross as plain objects
 * (structured clone drops Error subclasses' fields).
 */
import type { FrameAnalysis } from './engine.js'
import type { ClassifierInfo } from './classifier.js'
import type { ModelSidecar } from './model-spec.js'

export type WorkerRequest =
  | { type: 'init'; modelDir: string; intraOpNumThreads: number }
  | { type: 'analyse'; width: number; height: number; data: ArrayBuffer }
  /** Test hook: blocks the worker's thread (simulates a hung native call). */
  | { type: 'hang'; ms: number }

export interface InitResult {
  model: ClassifierInfo
  calibration: ModelSidecar['calibration']
}

export type WorkerResult = InitResult | FrameAnalysis | null

export interface SerializedError {
  name: string
  message: string
  code: string
}

export interface RequestEnvelope {
  seq: number
  request: WorkerRequest
}

export type ResponseEnvelope =
  | { seq: number; response: { ok: true; value: WorkerResult } }
  | { seq: number; response: { ok: false; error: SerializedError } }

export function serializeError(e: unknown): SerializedError {
  const err = e instanceof Error ? e : new Error(String(e))
  const code = (err as Error & { code?: unknown }).code
  return {
    name: err.name,
    message: err.message,
    code: typeof code === 'string' ? code : 'internal',
  }
}
