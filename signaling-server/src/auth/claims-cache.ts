/**
 * A bounded least-recently-used map from a token to what verifying it produced. Entries are only
 * valid until `expiresAtS`; a lookup past it removes the entry. Map iteration order is insertion
 * order, so re-inserting on a hit keeps the least recently used entry first, where eviction looks.
 * Tokens are keys only: nothing here logs or exposes them.
 */
export class ClaimsCache<T extends { exp: number }> {
  readonly #entries = new Map<string, T>()

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError('capacity')
  }

  get size(): number {
    return this.#entries.size
  }

  /** The cached value if it has not expired at `nowS` (seconds since the epoch). */
  get(token: string, nowS: number): T | undefined {
    const value = this.#entries.get(token)
    if (value === undefined) return undefined
    this.#entries.delete(token)
    if (value.exp <= nowS) return undefined
    this.#entries.set(token, value)
    return value
  }

  set(token: string, value: T): void {
    if (this.capacity === 0) return
    this.#entries.delete(token)
    if (this.#entries.size >= this.capacity) {
      const oldest = this.#entries.keys().next()
      if (!oldest.done) this.#entries.delete(oldest.value)
    }
    this.#entries.set(token, value)
  }
}
