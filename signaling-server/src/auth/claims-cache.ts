/** A cached value and when it was last moved to the recent end (the cache's insertion count then). */
interface Slot<T> {
  value: T
  seq: number
}

/**
 * A bounded least-recently-used map from a token to what verifying it produced. Entries are only
 * valid until `expiresAtS`; a lookup past it removes the entry. Map iteration order is insertion
 * order, so re-inserting keeps the least recently used entry first, where eviction looks.
 * A hit re-inserts only an entry that has aged past half the capacity: a client's token, hit on
 * every request, then costs one lookup instead of a delete and an insert each time (the churn was
 * the largest cost of an authenticated request), and it still never reaches the eviction end while
 * it is used. Tokens are keys only: nothing here logs or exposes them.
 */
export class ClaimsCache<T extends { exp: number }> {
  readonly #entries = new Map<string, Slot<T>>()
  /** Insertions and refreshes so far: an entry's age is this minus its `seq`. */
  #seq = 0
  readonly #refreshAge: number

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError('capacity')
    this.#refreshAge = capacity >> 1
  }

  get size(): number {
    return this.#entries.size
  }

  /** The cached value if it has not expired at `nowS` (seconds since the epoch). */
  get(token: string, nowS: number): T | undefined {
    const slot = this.#entries.get(token)
    if (slot === undefined) return undefined
    if (slot.value.exp <= nowS) {
      this.#entries.delete(token)
      return undefined
    }
    if (this.#seq - slot.seq >= this.#refreshAge) {
      this.#entries.delete(token)
      slot.seq = ++this.#seq
      this.#entries.set(token, slot)
    }
    return slot.value
  }

  set(token: string, value: T): void {
    if (this.capacity === 0) return
    this.#entries.delete(token)
    if (this.#entries.size >= this.capacity) {
      const oldest = this.#entries.keys().next()
      if (!oldest.done) this.#entries.delete(oldest.value)
    }
    this.#entries.set(token, { value, seq: ++this.#seq })
  }
}
