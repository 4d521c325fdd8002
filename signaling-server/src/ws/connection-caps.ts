/** Open sockets per user, so one account can't exhaust the server (W7). */
export class ConnectionCaps {
  readonly #open = new Map<string, number>()

  constructor(private readonly maxPerUser: number) {}

  tryAcquire(userId: string): boolean {
    const open = this.#open.get(userId) ?? 0
    if (open >= this.maxPerUser) return false
    this.#open.set(userId, open + 1)
    return true
  }

  release(userId: string): void {
    const open = (this.#open.get(userId) ?? 1) - 1
    if (open <= 0) this.#open.delete(userId)
    else this.#open.set(userId, open)
  }
}
