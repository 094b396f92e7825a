/**
 * Time comes in through this interface so tests can fake it.
 *
 * Runs on: any
 * @module
 */

/** A source of wall-clock and monotonic time. */
export interface Clock {
  /** Milliseconds since the Unix epoch (wall clock, as Java's `System.currentTimeMillis`). */
  now(): number;
  /** Monotonic milliseconds, for measuring durations. */
  monotonic(): number;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

/** A clock that only moves when told to; for tests. */
export class ManualClock implements Clock {
  #nowMs: number;
  #monotonicMs = 0;

  /** Starts at `startMs` wall-clock milliseconds. */
  constructor(startMs = 1_700_000_000_000) {
    this.#nowMs = startMs;
  }

  /** Current wall-clock milliseconds. */
  now(): number {
    return this.#nowMs;
  }

  /** Current monotonic milliseconds. */
  monotonic(): number {
    return this.#monotonicMs;
  }

  /** Moves both clocks forward by `ms`. */
  advance(ms: number): void {
    this.#nowMs += ms;
    this.#monotonicMs += ms;
  }
}
