/**
 * Who is subscribed to what, and delivery to them. Rooms are topics `room:<roomId>`, a user's event
 * channel is `user:<userId>`. Handlers only see this interface, so a Redis-backed implementation
 * (several server nodes sharing rooms) can replace the in-memory one without touching them: that is
 * why every method is async even though this one answers at once.
 */
export interface Subscriber {
  /** Unique per socket. */
  readonly id: string
  readonly userId: string
  /** `message` is JSON text: a string, or its UTF-8 bytes (sent as a text frame all the same). */
  deliver(message: string | Buffer): void
}

export interface Fanout {
  /** Adds `subscriber`; resolves to the other subscribers' user ids already on the topic. */
  subscribe(topic: string, subscriber: Subscriber): Promise<string[]>
  unsubscribe(topic: string, subscriber: Subscriber): Promise<void>
  /**
   * Delivers `message` to every subscriber of `topic` except the one with id `exceptId`; with
   * `toUserId`, only to that user's subscribers (a room message addressed to one member).
   */
  publish(topic: string, message: string, exceptId?: string, toUserId?: string): Promise<number>
  /**
   * The same as `publish`, delivered and counted before it returns, where every subscriber is
   * local (the in-memory fan-out): the relay's hot path then makes no promise per message. Absent
   * where delivery has to wait for a broker.
   */
  publishNow?(topic: string, message: string | Buffer, exceptId?: string, toUserId?: string): number
  /** The user ids of every subscriber of `topic`, wherever it is connected (who is in a room). */
  members(topic: string): Promise<string[]>
  /** The local subscribers of a user on a topic (to replace a stale socket on re-join). */
  localSubscribers(topic: string): readonly Subscriber[]
  stats(prefix: string): { topics: number; subscribers: number }
  /** Hands `message` to every node's `onAnnounce` handlers, this node's included. */
  announce(message: string): Promise<void>
  onAnnounce(handler: (message: string) => void): void
  /** Which implementation this is, for /health. */
  readonly kind: FanoutKind
  /** Resolves true when the fan-out can deliver (its broker answers, if it has one). */
  ping(): Promise<boolean>
  close(): Promise<void>
}

export type FanoutKind = 'memory' | 'redis'

export const roomTopic = (roomId: string): string => `room:${roomId}`
export const userTopic = (userId: string): string => `user:${userId}`

/** One process: every subscriber is local. */
export class InMemoryFanout implements Fanout {
  readonly kind = 'memory'
  readonly #topics = new Map<string, Map<string, Subscriber>>()
  readonly #announced: ((message: string) => void)[] = []

  async subscribe(topic: string, subscriber: Subscriber): Promise<string[]> {
    let members = this.#topics.get(topic)
    if (!members) {
      members = new Map()
      this.#topics.set(topic, members)
    }
    const others = [...members.values()].filter((s) => s.id !== subscriber.id).map((s) => s.userId)
    members.set(subscriber.id, subscriber)
    return others
  }

  async unsubscribe(topic: string, subscriber: Subscriber): Promise<void> {
    const members = this.#topics.get(topic)
    if (!members) return
    members.delete(subscriber.id)
    if (members.size === 0) this.#topics.delete(topic)
  }

  async publish(
    topic: string,
    message: string,
    exceptId?: string,
    toUserId?: string,
  ): Promise<number> {
    return this.publishNow(topic, message, exceptId, toUserId)
  }

  publishNow(
    topic: string,
    message: string | Buffer,
    exceptId?: string,
    toUserId?: string,
  ): number {
    const members = this.#topics.get(topic)
    if (!members) return 0
    let delivered = 0
    for (const subscriber of members.values()) {
      if (subscriber.id === exceptId) continue
      if (toUserId !== undefined && subscriber.userId !== toUserId) continue
      subscriber.deliver(message)
      delivered++
    }
    return delivered
  }

  async members(topic: string): Promise<string[]> {
    return this.localSubscribers(topic).map((s) => s.userId)
  }

  localSubscribers(topic: string): readonly Subscriber[] {
    return [...(this.#topics.get(topic)?.values() ?? [])]
  }

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
  }

  onAnnounce(handler: (message: string) => void): void {
    this.#announced.push(handler)
  }

  async ping(): Promise<boolean> {
    return true
  }

  async close(): Promise<void> {}
}
