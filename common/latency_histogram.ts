/**
 * `LatencyHistogram`: a fixed-bucket histogram of durations in milliseconds (count, sum, max
 * and per-bucket counts), cheap enough to record on every request. `snapshot()` is a plain
 * object that crosses a worker boundary; `mergeLatencySnapshots` adds snapshots up (shards).
 *
 * Runs on: any
 * @module
 */

/** Upper bounds (ms) of the default buckets, Prometheus style (`le`). */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  0.5,
  1,
  2.5,
  5,
  10,
  25,
  50,
  100,
  250,
  500,
  1000,
  2500,
  5000,
];

/** A histogram's state as plain data. */
export interface LatencySnapshot {
  /** Upper bounds in ms, ascending. */
  boundsMs: number[];
  /** Observations at or below each bound (cumulative, as Prometheus buckets). */
  cumulative: number[];
  /** Observations in all. */
  count: number;
  /** Sum of all observations, ms. */
  sumMs: number;
  /** Largest observation, ms. */
  maxMs: number;
}

/** See the module comment. */
export class LatencyHistogram {
  readonly #bounds: readonly number[];
  readonly #counts: number[];
  #count = 0;
  #sumMs = 0;
  #maxMs = 0;

  /** Creates an empty histogram over `boundsMs` (ascending). */
  constructor(boundsMs: readonly number[] = LATENCY_BUCKETS_MS) {
    this.#bounds = boundsMs;
    this.#counts = boundsMs.map(() => 0);
  }

  /** Records one duration in ms (negative values count as 0). */
  record(ms: number): void {
    const value = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.#count++;
    this.#sumMs += value;
    if (value > this.#maxMs) this.#maxMs = value;
    const i = this.#bounds.findIndex((bound) => value <= bound);
    if (i >= 0) this.#counts[i] = (this.#counts[i] ?? 0) + 1;
  }

  /** Observations so far. */
  get count(): number {
    return this.#count;
  }

  /** The state as plain data. */
  snapshot(): LatencySnapshot {
    let running = 0;
    const cumulative = this.#counts.map((n) => (running += n));
    return {
      boundsMs: [...this.#bounds],
      cumulative,
      count: this.#count,
      sumMs: this.#sumMs,
      maxMs: this.#maxMs,
    };
  }
}

/** Adds snapshots with the same bounds; an empty histogram over `LATENCY_BUCKETS_MS` for none. */
export function mergeLatencySnapshots(snapshots: readonly LatencySnapshot[]): LatencySnapshot {
  const first = snapshots[0];
  const boundsMs = first === undefined ? [...LATENCY_BUCKETS_MS] : [...first.boundsMs];
  const out: LatencySnapshot = {
    boundsMs,
    cumulative: boundsMs.map(() => 0),
    count: 0,
    sumMs: 0,
    maxMs: 0,
  };
  for (const s of snapshots) {
    s.cumulative.forEach((n, i) => {
      if (i < out.cumulative.length) out.cumulative[i] = (out.cumulative[i] ?? 0) + n;
    });
    out.count += s.count;
    out.sumMs += s.sumMs;
    out.maxMs = Math.max(out.maxMs, s.maxMs);
  }
  return out;
}
