/**
 * Queue locks of orderly consumers (Java `RebalanceLockManager`): a client locks the queues it
 * consumes with LOCK_BATCH_MQ and renews them (Java clients every 20 s); a lock not renewed
 * for `rebalanceLockMaxLiveTime` (60 s) expires and another client of the group may take it.
 * UNLOCK_BATCH_MQ releases only the caller's own locks. A group holding a live lock is orderly:
 * a message it sends to its `%RETRY%` topic goes to its DLQ at once (5.x `isLockAllExpired`).
 *
 * Runs on: main thread
 * @module
 */

/** Java `MessageQueue` as it travels in lock bodies (fastjson key order). */
export interface MessageQueueData {
  brokerName: string;
  queueId: number;
  topic: string;
}

interface LockEntry {
  clientId: string;
  lastUpdateMs: number;
}

/** Most locks held broker-wide; lock requests beyond it are not granted. */
const LOCKS_MAX = 200_000;

function keyOf(mq: MessageQueueData): string {
  return `${mq.topic}\u0001${mq.brokerName}\u0001${mq.queueId}`;
}

/** See the module comment. */
export class RebalanceLockManager {
  readonly #groups = new Map<string, Map<string, LockEntry>>();
  readonly #maxLiveMs: number;
  #count = 0;

  /** Locks expire `maxLiveMs` after their last renewal. */
  constructor(options: { maxLiveMs: number }) {
    this.#maxLiveMs = options.maxLiveMs;
  }

  /** Locks (or renews) what it can for `clientId`; returns the queues now held by it. */
  tryLockBatch(
    group: string,
    mqs: readonly MessageQueueData[],
    options: { clientId: string; nowMs: number },
  ): MessageQueueData[] {
    let table = this.#groups.get(group);
    if (table === undefined) {
      table = new Map();
      this.#groups.set(group, table);
    }
    const locked: MessageQueueData[] = [];
    for (const mq of mqs) {
      const key = keyOf(mq);
      const entry = table.get(key);
      if (entry === undefined) {
        if (this.#count >= LOCKS_MAX) continue;
        table.set(key, { clientId: options.clientId, lastUpdateMs: options.nowMs });
        this.#count++;
        locked.push(mq);
      } else if (
        entry.clientId === options.clientId || options.nowMs - entry.lastUpdateMs > this.#maxLiveMs
      ) {
        entry.clientId = options.clientId;
        entry.lastUpdateMs = options.nowMs;
        locked.push(mq);
      }
    }
    return locked;
  }

  /** Releases the queues `clientId` holds among `mqs`. */
  unlockBatch(group: string, mqs: readonly MessageQueueData[], clientId: string): void {
    const table = this.#groups.get(group);
    if (table === undefined) return;
    for (const mq of mqs) {
      const key = keyOf(mq);
      if (table.get(key)?.clientId === clientId && table.delete(key)) this.#count--;
    }
    if (table.size === 0) this.#groups.delete(group);
  }

  /** The live holder of a queue lock, if any. */
  holderOf(group: string, mq: MessageQueueData, nowMs: number): string | undefined {
    const entry = this.#groups.get(group)?.get(keyOf(mq));
    if (entry === undefined || nowMs - entry.lastUpdateMs > this.#maxLiveMs) return undefined;
    return entry.clientId;
  }

  /** Whether `group` holds no live lock (5.x: a send to its `%RETRY%` then goes to the DLQ). */
  isLockAllExpired(group: string, nowMs: number): boolean {
    const table = this.#groups.get(group);
    if (table === undefined) return true;
    for (const entry of table.values()) {
      if (nowMs - entry.lastUpdateMs <= this.#maxLiveMs) return false;
    }
    return true;
  }

  /** Locks held (expired ones included until taken over or released). */
  get size(): number {
    return this.#count;
  }
}
