/**
 * `RateWindow`: counts per second over the last `seconds` seconds in a ring of slots, so a
 * rate over any shorter window is a sum of slots, with no timer (a slot is reset when its
 * second comes round again). Java's broker keeps such per-second figures for `putTps`,
 * `getTotalTps` and a group's `consumeTps`.
 *
 * Runs on: main thread
 * @module
 */

/** See the module comment. */
export class RateWindow {
  readonly #counts: Float64Array;
  readonly #calls: Float64Array;
  readonly #seconds: Float64Array;

  /** A window of `seconds` one-second slots. */
  constructor(seconds: number) {
    this.#counts = new Float64Array(seconds);
    this.#calls = new Float64Array(seconds);
    this.#seconds = new Float64Array(seconds).fill(-1);
  }

  /** Adds `n` (one call) at time `nowMs`. */
  add(nowMs: number, n: number): void {
    const second = Math.floor(nowMs / 1000);
    const i = second % this.#counts.length;
    if (this.#seconds[i] !== second) {
      this.#seconds[i] = second;
      this.#counts[i] = 0;
      this.#calls[i] = 0;
    }
    this.#counts[i]! += n;
    this.#calls[i]! += 1;
  }

  /** Sum and number of calls over the `windowS` whole seconds before the current one. */
  total(nowMs: number, windowS: number): { sum: number; calls: number; seconds: number } {
    const now = Math.floor(nowMs / 1000);
    const span = Math.max(1, Math.min(windowS, this.#counts.length - 1));
    let sum = 0;
    let calls = 0;
    for (let s = now - span; s < now; s++) {
      const i = ((s % this.#counts.length) + this.#counts.length) % this.#counts.length;
      if (this.#seconds[i] === s) {
        sum += this.#counts[i]!;
        calls += this.#calls[i]!;
      }
    }
    return { sum, calls, seconds: span };
  }

  /** Average per second over the `windowS` whole seconds before the current one. */
  rate(nowMs: number, windowS: number): number {
    const t = this.total(nowMs, windowS);
    return t.sum / t.seconds;
  }
}
