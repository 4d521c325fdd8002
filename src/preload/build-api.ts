import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  eventMethodName,
  invokeMethodName,
  type VeracallApi,
} from '../shared/ipc-contract.js'

/** The part of ipcRenderer the preload uses (a fake in tests). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown
}

/** Builds the exposed API from the contract, so its keys can't drift from main's handlers. */
export function buildApi(ipc: IpcRendererLike): VeracallApi {
  const api: Record<string, unknown> = {}
  for (const channel of INVOKE_CHANNELS) {
    api[invokeMethodName(channel)] = (...args: unknown[]) => ipc.invoke(channel, ...args)
  }
  for (const channel of EVENT_CHANNELS) {
    api[eventMethodName(channel)] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError('listener must be a function')
      const forward = (_event: unknown, payload: unknown): void => listener(payload)
      ipc.on(channel, forward)
      return () => {
        ipc.removeListener(channel, forward)
      }
    }
  }
  return Object.freeze(api) as VeracallApi
}
