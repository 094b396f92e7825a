/**
 * Broker-side queue locks of an orderly push consumer (Java
 * `RebalanceImpl.lock/lockAll/unlock` and the `ProcessQueue` lock fields):
 * LOCK_BATCH_MQ to each queue's master before a queue is consumed, renewal
 * of every held lock every 20 s, a lock older than 30 s without renewal
 * counts as lost (the broker keeps it 60 s), UNLOCK_BATCH_MQ when a queue is
 * given up. Time comes from a `Clock` so tests can move it.
 *
 * Runs on: main thread
 * @module
 */
import { getLogger, systemClock } from "../common/mod.ts";
import type { Clock } from "../common/mod.ts";
import { Ticker } from "./_ticker.ts";
import type { ClientInstance } from "./client_instance.ts";
import { messageQueueKey } from "./message_queue.ts";
import type { MessageQueue } from "./message_queue.ts";

const log = getLogger("client.lock");

/** Renewal period (Java `rocketmq.client.rebalance.lockInterval`). */
export const LOCK_RENEW_INTERVAL_MS = 20_000;
/** Age after which a client treats its lock as lost (Java `rocketmq.client.rebalance.lockMaxLiveTime`). */
export const LOCK_MAX_LIVE_MS = 30_000;

interface LockState {
  readonly mq: MessageQueue;
  locked: boolean;
  lastLockMs: number;
}

/** Options of `QueueLocks`. */
export interface QueueLocksOptions {
  /** Time source for lock ages (default: the system clock). */
  clock?: Clock;
  /** Renewal period (default 20 000 ms). */
  renewIntervalMs?: number;
  /** Lock age after which it counts as lost (default 30 000 ms). */
  maxLiveMs?: number;
}

/** The locks one consumer group holds through one client instance. */
export class QueueLocks {
  readonly #instance: ClientInstance;
  readonly #group: string;
  readonly #clock: Clock;
  readonly #maxLiveMs: number;
  readonly #states = new Map<string, LockState>();
  readonly #ticker: Ticker;

  /** Creates the table; `start()` begins the periodic renewal. */
  constructor(instance: ClientInstance, group: string, options: QueueLocksOptions = {}) {
    this.#instance = instance;
    this.#group = group;
    this.#clock = options.clock ?? systemClock;
    this.#maxLiveMs = options.maxLiveMs ?? LOCK_MAX_LIVE_MS;
    this.#ticker = new Ticker(
      "lock renewal",
      () => this.renewAll(),
      options.renewIntervalMs ?? LOCK_RENEW_INTERVAL_MS,
    );
  }

  /** Starts renewing every tracked lock periodically. */
  start(): void {
    this.#ticker.start();
  }

  /** Stops the renewal (waits for a renewal in progress). */
  async stop(): Promise<void> {
    await this.#ticker.stop();
  }

  /** Whether this client holds `mq`'s lock and renewed it within the live time. */
  isLocked(mq: MessageQueue): boolean {
    const state = this.#states.get(messageQueueKey(mq));
    return state !== undefined && state.locked &&
      this.#clock.monotonic() - state.lastLockMs <= this.#maxLiveMs;
  }

  /** Tracks `mq` and locks it now; true when the broker granted it. */
  async lock(mq: MessageQueue): Promise<boolean> {
    const key = messageQueueKey(mq);
    if (!this.#states.has(key)) this.#states.set(key, { mq, locked: false, lastLockMs: 0 });
    await this.#lockOnBroker(mq.brokerName, [mq]);
    return this.isLocked(mq);
  }

  /** LOCK_BATCH_MQ for every tracked queue, one request per broker; failures leave locks to age. */
  async renewAll(): Promise<void> {
    const byBroker = new Map<string, MessageQueue[]>();
    for (const { mq } of this.#states.values()) {
      const list = byBroker.get(mq.brokerName) ?? [];
      list.push(mq);
      byBroker.set(mq.brokerName, list);
    }
    for (const [brokerName, mqs] of byBroker) await this.#lockOnBroker(brokerName, mqs);
  }

  async #lockOnBroker(brokerName: string, mqs: MessageQueue[]): Promise<void> {
    const instance = this.#instance;
    const addr = instance.findBrokerAddr(brokerName);
    if (addr === undefined) {
      log.warn("Cannot lock queues: no master address", { group: this.#group, brokerName });
      return;
    }
    let granted: MessageQueue[];
    try {
      granted = await instance.api.lockBatchMQ(addr, {
        consumerGroup: this.#group,
        clientId: instance.clientId,
        mqs,
      }, instance.requestTimeoutMs);
    } catch (cause) {
      log.warn("Cannot lock queues", { group: this.#group, addr, cause });
      return;
    }
    const grantedKeys = new Set(granted.map(messageQueueKey));
    const now = this.#clock.monotonic();
    for (const mq of mqs) {
      const state = this.#states.get(messageQueueKey(mq));
      if (state === undefined) continue;
      if (grantedKeys.has(messageQueueKey(mq))) {
        state.locked = true;
        state.lastLockMs = now;
      } else {
        if (state.locked) {
          log.warn("Queue lock lost", { group: this.#group, queue: messageQueueKey(mq) });
        }
        state.locked = false;
      }
    }
  }

  /** Stops tracking `mq` without telling its broker (a lock that was refused). */
  forget(mq: MessageQueue): void {
    this.#states.delete(messageQueueKey(mq));
  }

  /** Stops tracking `mq` and releases it on its broker (UNLOCK_BATCH_MQ). */
  async unlock(mq: MessageQueue, oneway = false): Promise<void> {
    await this.unlockAll([mq], oneway);
  }

  /** Stops tracking `mqs` (every tracked queue when omitted) and releases them, per broker. */
  async unlockAll(mqs?: readonly MessageQueue[], oneway = false): Promise<void> {
    const list = mqs ?? [...this.#states.values()].map((s) => s.mq);
    const byBroker = new Map<string, MessageQueue[]>();
    for (const mq of list) {
      this.#states.delete(messageQueueKey(mq));
      byBroker.set(mq.brokerName, [...(byBroker.get(mq.brokerName) ?? []), mq]);
    }
    const instance = this.#instance;
    for (const [brokerName, group] of byBroker) {
      const addr = instance.findBrokerAddr(brokerName);
      if (addr === undefined) continue;
      try {
        await instance.api.unlockBatchMQ(addr, {
          consumerGroup: this.#group,
          clientId: instance.clientId,
          mqs: group,
        }, { timeoutMs: instance.requestTimeoutMs, oneway });
      } catch (cause) {
        log.warn("Cannot unlock queues", { group: this.#group, addr, cause });
      }
    }
  }
}
