/**
 * `performance.now()` and `Date.now()` read at most once per burst of synchronous work: a
 * value is kept until a microtask queued at its first read runs, so the ~35 sends decoded from
 * one socket read, or the answers that settle together after one store batch, share one clock
 * read (`performance.now()` costs about 0.17 µs, `Date.now()` 0.07 µs). A value is at most one
 * such burst old, far below the resolution the send statistics (latency histogram, per-second
 * rates) and the send queue's 200 ms / 1 s thresholds need.
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

let cachedNow = 0;
let freshNow = false;

function expireNow(): void {
  freshNow = false;
}

/** `Date.now()`, shared in the same way (for per-second statistics). */
export function turnNow(): number {
  if (!freshNow) {
    cachedNow = Date.now();
    freshNow = true;
    queueMicrotask(expireNow);
  }
  return cachedNow;
}

/** `clock` read through `turnNow`/`turnMonotonic` for the system clock; a test's as it is. */
export function withTurnClock(clock: Clock): Clock {
  if (clock !== systemClock) return clock;
  return { now: turnNow, monotonic: turnMonotonic };
}
