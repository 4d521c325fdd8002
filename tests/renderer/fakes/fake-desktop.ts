import { buildApi, type IpcRendererLike } from '../../../src/preload/build-api.js'
import type {
  EventChannel,
  EventPayload,
  InvokeChannel,
  IpcErrorCode,
  IpcResult,
  VeracallApi,
} from '../../../src/shared/ipc-contract.js'

type Handler = (...args: unknown[]) => unknown

/**
 * A `window.veracall` built by the real preload builder over a fake ipcRenderer: the same method
 * names as in the app, with main's side played by per-channel handlers the test sets. Every
 * invoke is recorded; a channel without a handler answers `{ ok: true, value: null }`.
 */
export function createFakeDesktop(handlers: Partial<Record<InvokeChannel, Handler>> = {}) {
  const calls: { channel: string; args: unknown[] }[] = []
  const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>()
  const ipc: IpcRendererLike = {
    async invoke(channel, ...args) {
      calls.push({ channel, args })
      const handler = handlers[channel as InvokeChannel]
      if (handler === undefined) return { ok: true, value: null }
      try {
        return { ok: true, value: await handler(...args) }
      } catch (err) {
        // A handler throws the error code main would answer with.
        const code = (err instanceof Error ? err.message : 'internal_error') as IpcErrorCode
        return { ok: false, error: { code } } satisfies IpcResult<never>
      }
    },
    on(channel, listener) {
      const set = listeners.get(channel) ?? new Set()
      set.add(listener)
      listeners.set(channel, set)
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener)
    },
  }
  const api: VeracallApi = buildApi(ipc)
  return {
    api,
    handlers,
    calls,
    /** The invokes made on one channel, as their argument lists. */
    callsTo: (channel: InvokeChannel): unknown[][] =>
      calls.filter((c) => c.channel === channel).map((c) => c.args),
    /** Main sends an event to the renderer. */
    emit<C extends EventChannel>(channel: C, payload: EventPayload<C>): void {
      for (const listener of listeners.get(channel) ?? []) listener({}, payload)
    },
    listenerCount: (channel: EventChannel): number => listeners.get(channel)?.size ?? 0,
  }
}

export type FakeDesktop = ReturnType<typeof createFakeDesktop>
