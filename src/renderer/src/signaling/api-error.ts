/**
 * Client-side failure codes, next to the server's own `error.code` values: the address is not one
 * (`invalid_url`), nothing answers (`unreachable`), something answers but refuses this page's
 * origin (`cors_refused`), or answers as something else (`not_veracall`, `bad_response`).
 */
export type ClientErrorCode =
  'invalid_url' | 'unreachable' | 'cors_refused' | 'not_veracall' | 'bad_response'

export class ApiError extends Error {
  constructor(
    readonly code: ClientErrorCode | (string & {}),
    message: string,
    readonly status = 0,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** Any failure as the store's `{ code, message }`. */
export function toAppError(err: unknown): { code: string; message: string } {
  if (err instanceof ApiError) return { code: err.code, message: err.message }
  if (err instanceof Error) return { code: err.name, message: err.message }
  return { code: 'unknown', message: String(err) }
}
