import Value from 'typebox/value'
import type { IpcInvokeEvent, IpcMainLike } from '../electron-adapter.js'
import { originOf } from '../security/origin.js'
import {
  INVOKE_CHANNELS,
  invokeContract,
  type InvokeArgs,
  type InvokeChannel,
  type InvokeResult,
  type IpcResult,
} from '../../shared/ipc-contract.js'
import { IpcError, fail, ok } from './result.js'

/** One implementation per contract channel; the compiler refuses a missing or extra one. */
export type IpcHandlers = {
  [C in InvokeChannel]: (...args: InvokeArgs<C>) => Promise<InvokeResult<C>> | InvokeResult<C>
}

export interface RegisterIpcOptions {
  ipcMain: IpcMainLike
  handlers: IpcHandlers
  /** Origins whose frames may call main (the app origin, plus the dev server in development). */
  allowedOrigins: readonly string[]
  log(message: string): void
}

/**
 * Registers `ipcMain.handle` for every contract channel (E8): the sender frame's origin is
 * checked, then the arguments against the schema; a bad call is answered with a typed error
 * before the handler runs, so it changes nothing.
 */
export function registerIpc(options: RegisterIpcOptions): InvokeChannel[] {
  const { ipcMain, handlers, allowedOrigins, log } = options
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.removeHandler(channel)
    ipcMain.handle(channel, (event, ...args) =>
      dispatch(channel, event, args, handlers, allowedOrigins, log),
    )
  }
  return [...INVOKE_CHANNELS]
}

async function dispatch<C extends InvokeChannel>(
  channel: C,
  event: IpcInvokeEvent,
  args: unknown[],
  handlers: IpcHandlers,
  allowedOrigins: readonly string[],
  log: (message: string) => void,
): Promise<IpcResult<InvokeResult<C>>> {
  const senderUrl = event.senderFrame?.url ?? ''
  const origin = originOf(senderUrl)
  if (origin === null || !allowedOrigins.includes(origin)) {
    log(`ipc ${channel}: refused call from origin ${origin ?? '(none)'}`)
    return fail('forbidden_origin')
  }
  const spec = invokeContract[channel]
  if (!Value.Check(spec.args, args)) {
    log(`ipc ${channel}: invalid arguments`)
    return fail('invalid_argument')
  }
  const handler = handlers[channel] as (...a: unknown[]) => unknown
  try {
    const value = await handler(...args)
    if (!Value.Check(spec.result, value)) {
      log(`ipc ${channel}: handler returned a value outside the contract`)
      return fail('internal_error')
    }
    return ok(value as InvokeResult<C>)
  } catch (error) {
    if (error instanceof IpcError) return fail(error.code)
    log(`ipc ${channel}: ${error instanceof Error ? error.message : String(error)}`)
    return fail('internal_error')
  }
}
