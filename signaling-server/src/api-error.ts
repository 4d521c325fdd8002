import type { ErrorCode } from './protocol/index.js'

/** An error whose status, code and message are safe to send to the client as they are. */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
  }
}
