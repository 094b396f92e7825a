/**
 * Long polling (Java's `PullRequestHoldService`): a pull that finds no message and carries the
 * SUSPEND flag is parked per `(topic, queueId)` until a matching message arrives or the
 * client's suspend timeout passes; the broker then re-runs it once without the right to
 * suspend again. Each parked pull has its own timer, so it is answered within milliseconds of
 * either event. The number of parked pulls is bounded (`maxSuspendedPulls`): beyond it `hold`
 * refuses, `full` is true (the pull handler answers SYSTEM_BUSY) and a warning is logged at
 * most once a second with the number refused so far.
 *
 * The service also remembers the newest queue offset each queue has announced. A pull that
 * read the store just before a message arrived (the store answers a read and announces the
 * put in the same worker reply, so the announcement can run before the handler parks the
 * pull) is woken at once instead of sleeping through its whole hold time.
 *
 * Runs on: main thread
 * @module
 */

import { getLogger } from "../common/mod.ts";

const log = getLogger("broker");
const REFUSAL_LOG_INTERVAL_MS = 1000;

/** Why a parked pull is re-run. */
export type WakeReason = "arrived" | "timeout" | "shutdown";

/** A pull to park. */
export interface HeldPullRequest {
  topic: string;
  queueId: number;
  /** The queue offset the pull asked for; wakes when the queue grows beyond it. */
  offset: number;
  /** Tag-hash filter of the pull's subscription. */
  matches: (tagsCode: number) => boolean;
  /** Re-runs the pull; called exactly once. */
  wake: (reason: WakeReason) => void;
}

interface Entry {
  request: HeldPullRequest;
  key: string;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Settings of `PullRequestHoldService`. */
export interface PullRequestHoldServiceOptions {
  /** Most pulls parked at once; further pulls are answered at once. */
  maxHeld: number;
}

/** The set of parked pulls of one broker. */
export class PullRequestHoldService {
  readonly #byQueue = new Map<string, Set<Entry>>();
  /** Per queue key: one past the newest announced queue offset. Bounded by the queue count. */
  readonly #announcedMax = new Map<string, number>();
  readonly #maxHeld: number;
  #count = 0;
  #closed = false;
  #refused = 0;
  #lastRefusalLog = -Infinity;

  /** Creates an empty service. */
  constructor(options: PullRequestHoldServiceOptions) {
    this.#maxHeld = options.maxHeld;
  }

  /** Parked pulls right now. */
  get size(): number {
    return this.#count;
  }

  /**
   * One past the newest queue offset announced for `(topic, queueId)` since start (or since
   * `forgetTopic`), i.e. the queue's end as far as arrivals tell; `undefined` when nothing
   * was announced.
   */
  announcedEnd(topic: string, queueId: number): number | undefined {
    return this.#announcedMax.get(`${topic}@${queueId}`);
  }

  /** True when no further pull can be parked. */
  get full(): boolean {
    return this.#count >= this.#maxHeld;
  }

  /** Pulls refused because the service was full. */
  get refused(): number {
    return this.#refused;
  }

  /** Parks `request` for `holdMs`; returns false (not parked) when full or closed. */
  hold(request: HeldPullRequest, holdMs: number): boolean {
    if (this.#closed) return false;
    if (this.full) {
      this.#refused++;
      const now = performance.now();
      if (now - this.#lastRefusalLog >= REFUSAL_LOG_INTERVAL_MS) {
        this.#lastRefusalLog = now;
        log.warn("Pull not suspended: too many suspended pulls, answered SYSTEM_BUSY", {
          maxSuspendedPulls: this.#maxHeld,
          refusedSoFar: this.#refused,
        });
      }
      return false;
    }
    const key = `${request.topic}@${request.queueId}`;
    if ((this.#announcedMax.get(key) ?? 0) > request.offset) {
      // A message at or past the pull's offset was announced before the pull could park.
      queueMicrotask(() => request.wake("arrived"));
      return true;
    }
    const entry: Entry = { request, key, timer: undefined };
    entry.timer = setTimeout(() => this.#release(entry, "timeout"), Math.max(0, holdMs));
    let set = this.#byQueue.get(key);
    if (set === undefined) {
      set = new Set();
      this.#byQueue.set(key, set);
    }
    set.add(entry);
    this.#count++;
    return true;
  }

  /**
   * A message with queue offset `queueOffset` and tag hash `tagsCode` was stored in
   * `(topic, queueId)`: wakes the parked pulls it satisfies. Without `tagsCode`, wakes every
   * pull waiting below `queueOffset + 1`.
   */
  notifyMessageArrived(
    topic: string,
    queueId: number,
    options: { queueOffset: number; tagsCode?: number },
  ): void {
    const key = `${topic}@${queueId}`;
    const maxOffset = options.queueOffset + 1;
    if ((this.#announcedMax.get(key) ?? 0) < maxOffset) this.#announcedMax.set(key, maxOffset);
    const set = this.#byQueue.get(key);
    if (set === undefined) return;
    for (const entry of [...set]) {
      if (maxOffset <= entry.request.offset) continue;
      if (options.tagsCode !== undefined && !entry.request.matches(options.tagsCode)) continue;
      this.#release(entry, "arrived");
    }
  }

  /** Forgets what was announced for a deleted topic's queues. */
  forgetTopic(topic: string): void {
    for (const key of [...this.#announcedMax.keys()]) {
      if (key.startsWith(`${topic}@`)) this.#announcedMax.delete(key);
    }
  }

  /** Wakes every parked pull with "shutdown" and refuses new ones. */
  close(): void {
    this.#closed = true;
    for (const set of [...this.#byQueue.values()]) {
      for (const entry of [...set]) this.#release(entry, "shutdown");
    }
  }

  #release(entry: Entry, reason: WakeReason): void {
    const set = this.#byQueue.get(entry.key);
    if (set === undefined || !set.delete(entry)) return;
    if (set.size === 0) this.#byQueue.delete(entry.key);
    clearTimeout(entry.timer);
    this.#count--;
    entry.request.wake(reason);
  }
}
