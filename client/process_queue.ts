/**
 * ProcessQueue: the messages pulled from one queue and not yet acknowledged,
 * as Java's `ProcessQueue`. It gives flow-control numbers (count, bytes, offset
 * span) and the offset that is safe to commit: the smallest unacknowledged
 * offset, or one past the largest seen when everything is acknowledged.
 *
 * Runs on: main thread
 * @module
 */
import { assert } from "../common/mod.ts";

/** The minimal view of a pulled message this queue needs. */
export interface ProcessQueueEntry {
  /** Logical offset in the consume queue. */
  readonly queueOffset: number;
  /** Body size in bytes, for the byte threshold. */
  readonly bodySize: number;
}

/** In-flight messages of one message queue. */
export class ProcessQueue {
  readonly #inFlight = new Map<number, number>();
  #sizeBytes = 0;
  #maxOffsetSeen = -1;
  #dropped = false;
  /** Monotonic ms of the last pull result put here. */
  lastPullMs = 0;
  /** Monotonic ms of the last acknowledgement. */
  lastConsumeMs = 0;

  /** Adds pulled messages; returns how many were new (duplicates by offset are ignored). */
  putMessages(entries: readonly ProcessQueueEntry[]): number {
    let added = 0;
    for (const e of entries) {
      assert(Number.isSafeInteger(e.queueOffset) && e.queueOffset >= 0, "Bad queue offset");
      if (this.#inFlight.has(e.queueOffset) || e.queueOffset <= this.#ackedBelow()) continue;
      this.#inFlight.set(e.queueOffset, e.bodySize);
      this.#sizeBytes += e.bodySize;
      if (e.queueOffset > this.#maxOffsetSeen) this.#maxOffsetSeen = e.queueOffset;
      added++;
    }
    return added;
  }

  #ackedBelow(): number {
    // Offsets at or below this were acknowledged already when nothing is in flight.
    return this.#inFlight.size === 0 ? this.#maxOffsetSeen : -1;
  }

  /**
   * Acknowledges messages; returns the offset to commit afterwards (see
   * `commitOffset`), or -1 when nothing was ever put here.
   */
  removeMessages(queueOffsets: readonly number[]): number {
    for (const offset of queueOffsets) {
      const size = this.#inFlight.get(offset);
      if (size === undefined) continue;
      this.#inFlight.delete(offset);
      this.#sizeBytes -= size;
    }
    return this.commitOffset();
  }

  /** Smallest unacknowledged offset, or one past the largest seen; -1 before any message. */
  commitOffset(): number {
    if (this.#maxOffsetSeen < 0) return -1;
    if (this.#inFlight.size === 0) return this.#maxOffsetSeen + 1;
    let min = Number.MAX_SAFE_INTEGER;
    for (const offset of this.#inFlight.keys()) if (offset < min) min = offset;
    return min;
  }

  /** Unacknowledged message count. */
  get messageCount(): number {
    return this.#inFlight.size;
  }

  /** Unacknowledged body bytes. */
  get messageBytes(): number {
    return this.#sizeBytes;
  }

  /** Distance between the largest and smallest unacknowledged offsets (0 when empty). */
  get offsetSpan(): number {
    if (this.#inFlight.size === 0) return 0;
    let min = Number.MAX_SAFE_INTEGER;
    for (const offset of this.#inFlight.keys()) if (offset < min) min = offset;
    return this.#maxOffsetSeen - min;
  }

  /** Whether rebalance took the queue away; its pulls stop and its results are discarded. */
  get dropped(): boolean {
    return this.#dropped;
  }

  /** Marks the queue as taken away. */
  drop(): void {
    this.#dropped = true;
  }

  /** Forgets everything in flight (after a seek or an offset reset). */
  clear(): void {
    this.#inFlight.clear();
    this.#sizeBytes = 0;
    this.#maxOffsetSeen = -1;
  }
}
