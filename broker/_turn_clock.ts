/**
 * `performance.now()` read at most once per burst of synchronous work: the value is kept until
 * a microtask queued at the first read runs, so the ~35 sends decoded from one socket read, or
 * the answers that settle together after one store batch, share one clock read (each read
 * costs about 0.17 µs). A value is at most one such burst old, far below the resolution the
 * send statistics and the send queue's 200 ms / 1 s thresholds need.
 *
 * Runs on: main thread
 * @module
 */
import { type Clock, systemClock } from "../common/mod.ts";

let cached = 0;
let fresh = false;

function expire(): void {
  fresh = false;
}

/** Monotonic milliseconds, shared by everything that asks before the current burst ends. */
export function turnMonotonic(): number {
  if (!fresh) {
    cached = performance.now();
    fresh = true;
    queueMicrotask(expire);
  }
  return cached;
}

/** `clock` with `turnMonotonic` for the system clock; any other clock (a test's) as it is. */
export function withTurnMonotonic(clock: Clock): Clock {
  if (clock !== systemClock) return clock;
  return { now: clock.now, monotonic: turnMonotonic };
}
