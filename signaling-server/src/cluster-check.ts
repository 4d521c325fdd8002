import type { FastifyBaseLogger } from 'fastify'
import { ConfigError } from './config.js'
import type { ClusterRegistry } from './db/storage.js'
import type { RedisFanout } from './ws/redis-fanout.js'

export interface ClusterCheckOptions {
  registry: ClusterRegistry
  fanout: RedisFanout
  nodeId: string
  /** A node not seen for this long is taken for dead (the Redis presence TTL). */
  ttlMs: number
  log: FastifyBaseLogger
}

/**
 * Nodes that share a database must share one Redis: any node's sweeper may end any call and
 * pushes the end through its own Redis, so a node on the right database but another Redis would
 * end other nodes' calls in silence. Each node records, with a heartbeat in the database, which
 * Redis it uses; a node that finds a live node on another Redis refuses to start (after one more
 * heartbeat, in case that Redis just restarted and is being renamed), and a running node logs it.
 * Returns a stopper.
 */
export async function startClusterCheck({
  registry,
  fanout,
  nodeId,
  ttlMs,
  log,
}: ClusterCheckOptions): Promise<() => Promise<void>> {
  const interval = ttlMs / 3
  const mismatched = async (): Promise<string[]> => {
    const redisId = await fanout.redisId()
    const now = Date.now()
    await registry.beat(nodeId, redisId, now)
    return (await registry.others(nodeId, now - ttlMs))
      .filter((node) => node.redis_id !== redisId)
      .map((node) => node.node_id)
  }
  if ((await mismatched()).length > 0) {
    // Every live node beats within an interval: half more covers one that just renamed its Redis.
    await new Promise((resolve) => setTimeout(resolve, interval * 1.5))
    const others = await mismatched()
    if (others.length > 0) {
      await registry.leave(nodeId)
      throw new ConfigError(
        `REDIS_URL is not the Redis of the other nodes on this DATABASE_URL (${others.join(', ')}): ` +
          'every node sharing a database must use the same Redis',
      )
    }
  }
  // Twice in a row, so that a Redis restart (every node renames it within one beat) is not it.
  let suspicious = false
  const timer = setInterval(() => {
    mismatched()
      .then((others) => {
        if (others.length > 0 && suspicious)
          log.error({ others }, 'nodes on this database use another Redis: their pushes are lost')
        suspicious = others.length > 0
      })
      .catch((error: unknown) => log.warn({ err: error }, 'cluster heartbeat failed'))
  }, interval)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await registry.leave(nodeId).catch(() => undefined)
  }
}
