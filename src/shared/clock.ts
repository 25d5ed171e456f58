/** Where modules read the time, so tests can move it by hand instead of sleeping. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() }

/** `clock.now()` as an ISO 8601 timestamp, the form events and rows carry. */
export const isoNow = (clock: Clock): string => new Date(clock.now()).toISOString()

/** A clock that moves only when told: `set` and `advance`. */
export class ManualClock implements Clock {
  constructor(private ms = 0) {}

  now(): number {
    return this.ms
  }

  set(ms: number): void {
    this.ms = ms
  }

  advance(ms: number): void {
    this.ms += ms
  }
}
