/**
 * Broker counters and their per-second snapshots, for GET_BROKER_RUNTIME_INFO. Like Java's
 * `StoreStatsService`, a snapshot is taken every second and kept for ten minutes; a rate over
 * `n` seconds compares the newest snapshot with the one `n` snapshots before it, and is the
 * empty string while fewer snapshots exist (Java prints `putTps : 0.0 0.0 ` for a young broker).
 *
 * Runs on: main thread
 * @module
 */

/** Counters for GET_BROKER_RUNTIME_INFO. */
export interface BrokerStats {
  bootTimestamp: number;
  /** Messages stored. */
  putMessageCount: number;
  /** Messages handed to consumers by pulls. */
  getMessageCount: number;
  /** Pulls answered with messages. */
  pullFoundCount: number;
  /** Pulls answered without messages. */
  pullMissCount: number;
}

type Counter = "putMessageCount" | "getMessageCount" | "pullFoundCount" | "pullMissCount";

interface Snapshot {
  at: number;
  counts: Record<Counter, number>;
}

const KEEP = 601;
const WINDOWS = [10, 60, 600];

/** Fresh counters. */
export function newBrokerStats(bootTimestamp: number): BrokerStats {
  return {
    bootTimestamp,
    putMessageCount: 0,
    getMessageCount: 0,
    pullFoundCount: 0,
    pullMissCount: 0,
  };
}

/** Java's `Double.toString` for the non-negative finite rates used here. */
function javaDoubleText(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

/** Per-second snapshots of a `BrokerStats`. */
export class TpsSampler {
  readonly #snapshots: Snapshot[] = [];

  /** Records the counters at `now` (call once a second). */
  sample(now: number, stats: BrokerStats): void {
    this.#snapshots.push({
      at: now,
      counts: {
        putMessageCount: stats.putMessageCount,
        getMessageCount: stats.getMessageCount,
        pullFoundCount: stats.pullFoundCount,
        pullMissCount: stats.pullMissCount,
      },
    });
    if (this.#snapshots.length > KEEP) this.#snapshots.shift();
  }

  /** Rate of `counter` over the last `seconds` snapshots, or undefined without enough of them. */
  rate(counter: Counter, seconds: number): number | undefined {
    const n = this.#snapshots.length;
    if (n <= seconds) return undefined;
    const last = this.#snapshots[n - 1];
    const before = this.#snapshots[n - 1 - seconds];
    if (last === undefined || before === undefined || last.at <= before.at) return undefined;
    return (last.counts[counter] - before.counts[counter]) * 1000 / (last.at - before.at);
  }

  /** Java's `"<10 s> <60 s> <600 s>"` text, each part empty while too young. */
  text(counter: Counter): string {
    return WINDOWS.map((w) => {
      const r = this.rate(counter, w);
      return r === undefined ? "" : javaDoubleText(r);
    }).join(" ");
  }

  /** `getTotalTps`: found plus missed pulls, same windows. */
  totalPullText(): string {
    return WINDOWS.map((w) => {
      const found = this.rate("pullFoundCount", w);
      const miss = this.rate("pullMissCount", w);
      return found === undefined || miss === undefined ? "" : javaDoubleText(found + miss);
    }).join(" ");
  }
}
