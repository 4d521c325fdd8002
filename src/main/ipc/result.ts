import type { IpcErrorCode, IpcResult } from '../../shared/ipc-contract.js'

/** Thrown by a handler to answer with a specific code; anything else becomes internal_error. */
export class IpcError extends Error {
  override name = 'IpcError'
  constructor(readonly code: IpcErrorCode) {
    super(code)
  }
}

export function ok<T>(value: T): IpcResult<T> {
  return { ok: true, value }
}

export function fail(code: IpcErrorCode): IpcResult<never> {
  return { ok: false, error: { code } }
}
