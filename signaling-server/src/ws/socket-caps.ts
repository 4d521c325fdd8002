import { ConnectionCaps } from './connection-caps.js'
import type { RedisFanout } from './redis-fanout.js'

/**
 * The per-user socket cap (W7) as the socket routes use it: one slot per socket, taken before the
 * socket does anything and given back when it closes. On one node it is a local count; with Redis
 * it holds across the cluster.
 */
export interface SocketCaps {
  /** False when the user already holds the maximum. */
  acquire(userId: string, socketId: string): Promise<boolean>
  release(userId: string, socketId: string): void
}

export function localSocketCaps(maxPerUser: number): SocketCaps {
  const caps = new ConnectionCaps(maxPerUser)
  return {
    acquire: async (userId) => caps.tryAcquire(userId),
    release: (userId) => caps.release(userId),
  }
}

export function clusterSocketCaps(
  fanout: RedisFanout,
  maxPerUser: number,
  onError: (error: unknown) => void,
): SocketCaps {
  const key = (userId: string): string => `sockets:${userId}`
  return {
    acquire: (userId, socketId) => fanout.claimSlot(key(userId), socketId, maxPerUser),
    release: (userId, socketId) => {
      fanout.releaseSlot(key(userId), socketId).catch(onError)
    },
  }
}
