/** Milliseconds since the epoch. Deadlines and the sweeper read time only through one of these, so tests can move it. */
export type Clock = () => number

export const systemClock: Clock = () => Date.now()
