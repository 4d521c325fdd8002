import { beforeEach, describe, expect, it, vi } from 'vitest'
import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  eventMethodName,
  invokeMethodName,
} from '../../src/shared/ipc-contract.js'

/** What the fake electron module records when the preload runs. */
const exposed = new Map<string, unknown>()
const listeners = new Map<string, ((event: unknown, payload: unknown) => void)[]>()
const invoked: { channel: string; args: unknown[] }[] = []

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api),
  },
  ipcRenderer: {
    invoke: async (channel: string, ...args: unknown[]) => {
      invoked.push({ channel, args })
      return { ok: true, value: null }
    },
    on: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener])
    },
    removeListener: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
      listeners.set(
        channel,
        (listeners.get(channel) ?? []).filter((l) => l !== listener),
      )
    },
    send: () => {
      throw new Error('the preload must not use send')
    },
  },
}))

type Api = Record<string, (...args: unknown[]) => unknown>

async function loadPreload(): Promise<Api> {
  vi.resetModules()
  exposed.clear()
  await import('../../src/preload/index.js')
  expect([...exposed.keys()]).toEqual(['veracall'])
  return exposed.get('veracall') as Api
}

beforeEach(() => {
  listeners.clear()
  invoked.length = 0
})

describe('preload surface (E9)', () => {
  it('exposes exactly one function per contract channel, frozen', async () => {
    const api = await loadPreload()
    const expected = [
      ...INVOKE_CHANNELS.map(invokeMethodName),
      ...EVENT_CHANNELS.map(eventMethodName),
    ]
    expect(Object.keys(api).sort()).toEqual(expected.sort())
    for (const value of Object.values(api)) expect(typeof value).toBe('function')
    expect(Object.isFrozen(api)).toBe(true)
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/ipcRenderer|send|invoke\b/)
  })

  it('each invoke function calls its own channel with the given arguments', async () => {
    const api = await loadPreload()
    await api['settingsUpdate']?.({ doNotDisturb: true })
    await api['detectorEndSession']?.(4)
    await api['detectorVerify']?.(4, 'turn_head')
    expect(invoked).toEqual([
      { channel: 'settings:update', args: [{ doNotDisturb: true }] },
      { channel: 'detector:endSession', args: [4] },
      { channel: 'detector:verify', args: [4, 'turn_head'] },
    ])
  })

  it('listeners get only the payload and return an unsubscribe', async () => {
    const api = await loadPreload()
    const received: unknown[][] = []
    const off = api['onRisk']?.((...args: unknown[]) => received.push(args)) as () => void
    const senderEvent = { sender: { send: () => undefined }, ports: [] }
    for (const listener of listeners.get('event:risk') ?? [])
      listener(senderEvent, { callId: 1, level: 'low' })
    expect(received).toEqual([[{ callId: 1, level: 'low' }]])
    off()
    expect(listeners.get('event:risk')).toEqual([])
    for (const channel of EVENT_CHANNELS) {
      const unsubscribe = api[eventMethodName(channel)]?.(() => undefined)
      expect(typeof unsubscribe).toBe('function')
    }
    expect(() => api['onDeepLink']?.('not a function')).toThrow(TypeError)
  })
})
