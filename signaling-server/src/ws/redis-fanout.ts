import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Fanout, Subscriber } from './fanout.js'

export interface RedisFanoutOptions {
  url: string
  /** This node's id: its presence entries are owned by it and die with it. */
  nodeId: string
  /** How long a node's presence outlives its last heartbeat: a killed node's sockets drop out. */
  presenceTtlMs?: number
  onError?: (error: unknown) => void
}

const PREFIX = 'veracall:'
const ANNOUNCE_CHANNEL = `${PREFIX}announce`
const REDIS_ID_KEY = `${PREFIX}redis-id`
const channelOf = (topic: string): string => `${PREFIX}t:${topic}`
const topicOf = (channel: string): string => channel.slice(`${PREFIX}t:`.length)
const presenceKey = (topic: string): string => `${PREFIX}p:${topic}`
const nodeKey = (nodeId: string): string => `${PREFIX}node:${nodeId}`
const slotsKey = (key: string): string => `${PREFIX}s:${key}`
/** A presence hash outlives its topic's last write by this much at most (garbage from dead nodes). */
const PRESENCE_KEY_TTL_MS = 24 * 3600 * 1000
const DEFAULT_PRESENCE_TTL_MS = 15_000
const PING_TIMEOUT_MS = 1000

/**
 * Takes a slot in a hash of at most ARGV[2] live slots; fields of nodes whose heartbeat key is gone
 * are dropped first. One script, so two nodes can't both take the last slot.
 * KEYS[1] the hash; ARGV: field, max, node-key prefix, hash TTL (ms).
 */
const CLAIM_SLOT = `
local live = 0
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  local node = string.match(field, '^([^|]*)|')
  if node and redis.call('EXISTS', ARGV[3] .. node) == 1 then
    live = live + 1
  else
    redis.call('HDEL', KEYS[1], field)
  end
end
if live >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], '1')
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`

/**
 * `origin\nexceptId[ toUserId]\nmessage`: one frame per publish, read by every node but its
 * origin. The optional user id (after a space: socket ids are UUIDs) addresses one room member.
 */
const frame = (origin: string, exceptId: string, message: string, toUserId?: string): string =>
  `${origin}\n${exceptId}${toUserId === undefined ? '' : ` ${toUserId}`}\n${message}`

function unframe(
  raw: string,
): { origin: string; exceptId: string; toUserId?: string; message: string } | undefined {
  const first = raw.indexOf('\n')
  const second = raw.indexOf('\n', first + 1)
  if (first < 0 || second < 0) return undefined
  const target = raw.slice(first + 1, second)
  const space = target.indexOf(' ')
  return {
    origin: raw.slice(0, first),
    exceptId: space < 0 ? target : target.slice(0, space),
    ...(space >= 0 && { toUserId: target.slice(space + 1) }),
    message: raw.slice(second + 1),
  }
}

/**
 * Fan-out across nodes through Redis. Each node delivers to its own sockets directly and publishes
 * once per message on the topic's channel; other nodes with subscribers on the topic deliver it to
 * theirs (one Redis connection publishes, one listens, so a sender's messages stay in order).
 * Presence (who is in a room, from any node) is a hash per topic whose fields name their node; a
 * field counts only while its node's heartbeat key lives, so a node killed with -9 drops out
 * within `presenceTtlMs` and the empty-room deadline can end its calls.
 */
export class RedisFanout implements Fanout {
  readonly kind = 'redis'
  readonly #pub: Redis
  readonly #sub: Redis
  readonly #nodeId: string
  readonly #ttlMs: number
  readonly #onError: (error: unknown) => void
  readonly #topics = new Map<string, Map<string, Subscriber>>()
  readonly #announced: ((message: string) => void)[] = []
  /** Slots this node holds (key → holders), re-registered if Redis comes back empty. */
  readonly #slots = new Map<string, Set<string>>()
  #heartbeat: NodeJS.Timeout | undefined
  #closed = false

  private constructor(options: RedisFanoutOptions) {
    this.#nodeId = options.nodeId
    this.#ttlMs = options.presenceTtlMs ?? DEFAULT_PRESENCE_TTL_MS
    this.#onError = options.onError ?? (() => {})
    const connection = { lazyConnect: true, maxRetriesPerRequest: 3, connectTimeout: 5000 }
    this.#pub = new Redis(options.url, connection)
    this.#sub = new Redis(options.url, connection)
    for (const client of [this.#pub, this.#sub]) client.on('error', this.#onError)
    this.#sub.on('message', (channel: string, raw: string) => this.#receive(channel, raw))
  }

  static async connect(options: RedisFanoutOptions): Promise<RedisFanout> {
    const fanout = new RedisFanout(options)
    try {
      await Promise.all([fanout.#pub.connect(), fanout.#sub.connect()])
      await fanout.#sub.subscribe(ANNOUNCE_CHANNEL)
      await fanout.#beat()
    } catch (error) {
      fanout.#pub.disconnect()
      fanout.#sub.disconnect()
      throw error
    }
    fanout.#heartbeat = setInterval(() => {
      fanout.#beat().catch(fanout.#onError)
    }, fanout.#ttlMs / 3)
    fanout.#heartbeat.unref()
    return fanout
  }

  /** Keeps this node alive; if its key was gone (Redis restarted empty), re-registers presence. */
  async #beat(): Promise<void> {
    const previous = await this.#pub.set(nodeKey(this.#nodeId), '1', 'PX', this.#ttlMs, 'GET')
    if (previous !== null) return
    const multi = this.#pub.multi()
    for (const [topic, members] of this.#topics)
      for (const subscriber of members.values())
        multi.hset(presenceKey(topic), this.#field(subscriber), subscriber.userId)
    for (const [key, holders] of this.#slots)
      for (const holder of holders) multi.hset(slotsKey(key), `${this.#nodeId}|${holder}`, '1')
    await multi.exec()
  }

  #field(subscriber: Subscriber): string {
    return `${this.#nodeId}|${subscriber.id}`
  }

  #receive(channel: string, raw: string): void {
    const framed = unframe(raw)
    if (!framed || framed.origin === this.#nodeId) return
    if (channel === ANNOUNCE_CHANNEL) {
      for (const handler of this.#announced) handler(framed.message)
      return
    }
    this.#deliverLocally(topicOf(channel), framed.message, framed.exceptId, framed.toUserId)
  }

  #deliverLocally(
    topic: string,
    message: string,
    exceptId: string | undefined,
    toUserId: string | undefined,
  ): number {
    let delivered = 0
    for (const subscriber of this.#topics.get(topic)?.values() ?? []) {
      if (subscriber.id === exceptId) continue
      if (toUserId !== undefined && subscriber.userId !== toUserId) continue
      subscriber.deliver(message)
      delivered++
    }
    return delivered
  }

  /** The user ids of live presence entries; entries of dead nodes are dropped on the way. */
  async #alive(topic: string, entries: Record<string, string>, except?: string): Promise<string[]> {
    const fields = Object.keys(entries).filter((f) => f !== except)
    const nodes = [...new Set(fields.map((f) => f.slice(0, f.indexOf('|'))))].filter(
      (n) => n !== this.#nodeId,
    )
    const alive = new Set([this.#nodeId])
    if (nodes.length > 0) {
      const flags = await this.#pub.mget(nodes.map(nodeKey))
      nodes.forEach((n, i) => flags[i] !== null && alive.add(n))
    }
    const dead = fields.filter((f) => !alive.has(f.slice(0, f.indexOf('|'))))
    if (dead.length > 0) this.#pub.hdel(presenceKey(topic), ...dead).catch(this.#onError)
    return fields.filter((f) => !dead.includes(f)).map((f) => entries[f] ?? '')
  }

  async subscribe(topic: string, subscriber: Subscriber): Promise<string[]> {
    let members = this.#topics.get(topic)
    const first = !members
    if (!members) {
      members = new Map()
      this.#topics.set(topic, members)
    }
    // Local first: an unsubscribe that arrives while Redis answers finds it and undoes it.
    members.set(subscriber.id, subscriber)
    if (first) await this.#sub.subscribe(channelOf(topic))
    const field = this.#field(subscriber)
    const key = presenceKey(topic)
    const results = await this.#pub
      .multi()
      .hset(key, field, subscriber.userId)
      .pexpire(key, PRESENCE_KEY_TTL_MS)
      .hgetall(key)
      .exec()
    const entries = (results?.[2]?.[1] ?? {}) as Record<string, string>
    if (!this.#topics.get(topic)?.has(subscriber.id)) {
      // Unsubscribed meanwhile: its presence must not outlive it.
      await this.#pub.hdel(presenceKey(topic), field)
      return []
    }
    return this.#alive(topic, entries, field)
  }

  /**
   * Takes one of `max` slots under `key` for `holder`, cluster-wide (the per-user socket cap);
   * false when all are taken. Slots held by dead nodes free themselves with the node's heartbeat.
   */
  async claimSlot(key: string, holder: string, max: number): Promise<boolean> {
    const claimed = await this.#pub.eval(
      CLAIM_SLOT,
      1,
      slotsKey(key),
      `${this.#nodeId}|${holder}`,
      max,
      nodeKey(''),
      PRESENCE_KEY_TTL_MS,
    )
    if (claimed !== 1) return false
    let holders = this.#slots.get(key)
    if (!holders) this.#slots.set(key, (holders = new Set()))
    holders.add(holder)
    return true
  }

  async releaseSlot(key: string, holder: string): Promise<void> {
    const holders = this.#slots.get(key)
    if (!holders?.delete(holder)) return
    if (holders.size === 0) this.#slots.delete(key)
    if (this.#closed) return
    await this.#pub.hdel(slotsKey(key), `${this.#nodeId}|${holder}`)
  }

  async unsubscribe(topic: string, subscriber: Subscriber): Promise<void> {
    const members = this.#topics.get(topic)
    if (!members?.delete(subscriber.id)) return
    if (members.size === 0) this.#topics.delete(topic)
    if (this.#closed) return
    await this.#pub.hdel(presenceKey(topic), this.#field(subscriber))
    // Re-checked after the await: a subscribe in between keeps the channel.
    if (!this.#topics.has(topic)) await this.#sub.unsubscribe(channelOf(topic))
  }

  async publish(
    topic: string,
    message: string,
    exceptId?: string,
    toUserId?: string,
  ): Promise<number> {
    const local = this.#deliverLocally(topic, message, exceptId, toUserId)
    if (this.#closed) return local
    const listeners = await this.#pub.publish(
      channelOf(topic),
      frame(this.#nodeId, exceptId ?? '', message, toUserId),
    )
    // PUBLISH counts listening connections (nodes), this one's included when it has subscribers.
    const otherNodes = Math.max(0, listeners - (this.#topics.has(topic) ? 1 : 0))
    // An addressed message reaches one member: here, or (as an estimate) on one other node.
    if (toUserId !== undefined) return local > 0 ? local : Math.min(otherNodes, 1)
    return local + otherNodes
  }

  async members(topic: string): Promise<string[]> {
    return this.#alive(topic, await this.#pub.hgetall(presenceKey(topic)))
  }

  localSubscribers(topic: string): readonly Subscriber[] {
    return [...(this.#topics.get(topic)?.values() ?? [])]
  }

  /** This node's share: each node reports its own rooms and sockets. */
  stats(prefix: string): { topics: number; subscribers: number } {
    let topics = 0
    let subscribers = 0
    for (const [topic, members] of this.#topics) {
      if (!topic.startsWith(prefix)) continue
      topics++
      subscribers += members.size
    }
    return { topics, subscribers }
  }

  async announce(message: string): Promise<void> {
    for (const handler of this.#announced) handler(message)
    if (this.#closed) return
    await this.#pub.publish(ANNOUNCE_CHANNEL, frame(this.#nodeId, '', message))
  }

  onAnnounce(handler: (message: string) => void): void {
    this.#announced.push(handler)
  }

  /**
   * Names this Redis: the first node to ask writes a random id, the others read it; a Redis that
   * restarted empty gets a new one from whichever node asks first.
   */
  async redisId(): Promise<string> {
    await this.#pub.set(REDIS_ID_KEY, randomUUID(), 'NX')
    const id = await this.#pub.get(REDIS_ID_KEY)
    if (id === null) throw new Error('the Redis id vanished as it was written')
    return id
  }

  async ping(): Promise<boolean> {
    if (this.#pub.status !== 'ready' || this.#sub.status !== 'ready') return false
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS)
    })
    try {
      return await Promise.race([this.#pub.ping().then((r) => r === 'PONG'), timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  /** Leaves Redis as if this node had never been there: presence removed, connections closed. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#heartbeat)
    try {
      const multi = this.#pub.multi().del(nodeKey(this.#nodeId))
      for (const [topic, members] of this.#topics)
        for (const subscriber of members.values())
          multi.hdel(presenceKey(topic), this.#field(subscriber))
      for (const [key, holders] of this.#slots)
        for (const holder of holders) multi.hdel(slotsKey(key), `${this.#nodeId}|${holder}`)
      await multi.exec()
      await Promise.all([this.#pub.quit(), this.#sub.quit()])
    } catch (error) {
      this.#onError(error)
      this.#pub.disconnect()
      this.#sub.disconnect()
    }
  }
}
