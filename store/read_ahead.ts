/**
 * Read-ahead of gets for consumers that drain a backlog. When a get leaves at
 * least one more full batch behind it in the queue, the facade asks the shard
 * for that next batch at once; the consumer's next pull (same queue, the
 * returned `nextBeginOffset`, same count, bytes and tags) then finds it here
 * instead of waiting for a main thread -> shard worker -> main thread round
 * trip, so the shard read overlaps the answer's trip to the consumer and back.
 *
 * Stored records never change, so a kept answer stays right; what can move is
 * the queue's end (kept current from arrivals) and its start (retention, topic
 * deletion, replica truncation): the facade clears everything on those calls,
 * and an entry older than `READ_AHEAD_TTL_MS` is dropped unused. At most
 * `READ_AHEAD_MAX_ENTRIES` answers are kept; when that many are kept and none
 * has expired, nothing more is read ahead (kept answers are not evicted before
 * their pull comes, so many draining queues cannot make every read-ahead a
 * wasted read).
 *
 * Runs on: main thread
 * @module
 */
import type { GetRequest, GetResult } from "./store_types.ts";

/** Most answers kept (each at most `maxTransferBytesOnMessageInMemory`). */
export const READ_AHEAD_MAX_ENTRIES = 64;
/** Batches read ahead of a draining consumer's position. */
export const READ_AHEAD_DEPTH = 2;
/** Age after which a kept answer is not used. */
export const READ_AHEAD_TTL_MS = 1000;

interface Entry {
  key: string;
  queue: string;
  result: Promise<GetResult>;
  /** Largest queue end seen in arrivals since the read. */
  end: number;
  at: number;
}

function queueKey(topic: string, queueId: number): string {
  return `${topic}\u0000${queueId}`;
}

function getKey(req: GetRequest): string {
  const tags = req.tagsCodes === undefined ? "*" : req.tagsCodes.join(",");
  return `${queueKey(req.topic, req.queueId)}\u0000${req.offset}\u0000${req.maxCount}\u0000${
    req.maxBytes ?? ""
  }\u0000${tags}`;
}

/** See the module comment. */
export class ReadAhead {
  readonly #entries = new Map<string, Entry>();
  /** Entries per queue key, for arrivals. */
  readonly #byQueue = new Map<string, Set<Entry>>();
  readonly #batchMax: number;
  readonly #now: () => number;

  /** `batchMax`: the store's cap on records per get (`maxTransferCountOnMessageInMemory`). */
  constructor(batchMax: number, now: () => number = () => performance.now()) {
    this.#batchMax = batchMax;
    this.#now = now;
  }

  /** Number of answers kept. */
  get size(): number {
    return this.#entries.size;
  }

  /** The kept answer for exactly this get (removed), or `undefined`. */
  take(req: GetRequest): Promise<GetResult> | undefined {
    if (this.#entries.size === 0) return undefined;
    const entry = this.#entries.get(getKey(req));
    if (entry === undefined) return undefined;
    this.#remove(entry);
    if (this.#now() - entry.at > READ_AHEAD_TTL_MS) return undefined;
    const end = entry.end;
    return entry.result.then((r) => r.maxOffset >= end ? r : { ...r, maxOffset: end });
  }

  /**
   * After `result` answered `req`: when a full next batch waits behind it, starts
   * `read` for that batch and keeps the answer for the next pull.
   */
  offer(
    req: GetRequest,
    result: GetResult,
    read: (next: GetRequest) => Promise<GetResult>,
    depth = READ_AHEAD_DEPTH,
  ): void {
    if (depth <= 0 || result.status !== "FOUND") return;
    const full = Math.max(1, Math.min(req.maxCount, this.#batchMax));
    if (result.maxOffset - result.nextBeginOffset < full) return;
    const next: GetRequest = { ...req, offset: result.nextBeginOffset };
    const key = getKey(next);
    const known = this.#entries.get(key);
    if (known !== undefined) {
      this.#deeper(known, next, read, depth);
      return;
    }
    if (this.#entries.size >= READ_AHEAD_MAX_ENTRIES && !this.#dropExpired()) return;
    const entry: Entry = {
      key,
      queue: queueKey(req.topic, req.queueId),
      result: read(next),
      end: result.maxOffset,
      at: this.#now(),
    };
    // A failed read-ahead is not an error of anyone's pull: the pull reads again.
    entry.result.catch(() => {
      if (this.#entries.get(key) === entry) this.#remove(entry);
    });
    this.#entries.set(key, entry);
    let set = this.#byQueue.get(entry.queue);
    if (set === undefined) this.#byQueue.set(entry.queue, set = new Set());
    set.add(entry);
    this.#deeper(entry, next, read, depth);
  }

  /** Once `entry` is read (and still kept), reads the batch after it too. */
  #deeper(
    entry: Entry,
    req: GetRequest,
    read: (next: GetRequest) => Promise<GetResult>,
    depth: number,
  ): void {
    if (depth <= 1) return;
    entry.result.then((r) => {
      if (this.#entries.get(entry.key) === entry) this.offer(req, r, read, depth - 1);
    }, () => {});
  }

  /** Drops answers older than the TTL (oldest first); true when room was made. */
  #dropExpired(): boolean {
    const now = this.#now();
    for (const entry of this.#entries.values()) {
      if (now - entry.at <= READ_AHEAD_TTL_MS) break;
      this.#remove(entry);
    }
    return this.#entries.size < READ_AHEAD_MAX_ENTRIES;
  }

  /** A queue's end moved (arrival): kept answers of it report the new end. */
  noteEnd(topic: string, queueId: number, maxOffset: number): void {
    if (this.#byQueue.size === 0) return;
    const set = this.#byQueue.get(queueKey(topic, queueId));
    if (set === undefined) return;
    for (const entry of set) if (maxOffset > entry.end) entry.end = maxOffset;
  }

  /** Drops every kept answer (queue starts moved or records went away). */
  clear(): void {
    this.#entries.clear();
    this.#byQueue.clear();
  }

  #remove(entry: Entry): void {
    this.#entries.delete(entry.key);
    const set = this.#byQueue.get(entry.queue);
    if (set === undefined) return;
    set.delete(entry);
    if (set.size === 0) this.#byQueue.delete(entry.queue);
  }
}
