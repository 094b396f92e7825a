/**
 * The pull loop of one message queue, shared by the push and the lite pull
 * consumer: long-polling PULL_MESSAGE from the queue's master (or the replica
 * the broker suggests, or a slave while the master is gone), flow control
 * before each pull, tag re-check of the results, offset-moved handling, and
 * an abortable wait between attempts so shutdown never waits for a held pull.
 *
 * Runs on: main thread
 * @module
 */
import { getLogger } from "../common/mod.ts";
import { abortable, sleep } from "./_async.ts";
import type { ClientInstance } from "./client_instance.ts";
import type { FindBrokerResult } from "./_find_broker.ts";
import { MQClientError } from "./errors.ts";
import { decodeMessageViews } from "./message.ts";
import type { MessageView } from "./message.ts";
import { messageQueueKey } from "./message_queue.ts";
import type { MessageQueue } from "./message_queue.ts";
import { ProcessQueue } from "./process_queue.ts";
import { pullSysFlag } from "./request_headers.ts";
import { matchesSubscription } from "./subscription.ts";
import type { SubscriptionData } from "./subscription.ts";

const log = getLogger("client.pull");

/** Delay after a failed pull (Java `pullTimeDelayMillsWhenException`). */
const PULL_DELAY_ON_ERROR_MS = 3000;
/** Delay while flow control holds a queue (Java `PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL`). */
const PULL_DELAY_ON_FLOW_CONTROL_MS = 50;

/** Pull settings. */
export interface PullSettings {
  readonly pullBatchSize: number;
  readonly suspendTimeoutMs: number;
  readonly pullIntervalMs: number;
}

/** What the owning consumer provides to its pullers. */
export interface PullerHost {
  readonly instance: ClientInstance;
  readonly group: string;
  readonly signal: AbortSignal;
  readonly settings: PullSettings;
  /** The subscription of `topic`, or undefined when no longer subscribed. */
  subscription(topic: string): SubscriptionData | undefined;
  /** Offset to commit with the pull (clustering), or undefined. */
  commitOffset(mq: MessageQueue): number | undefined;
  /** True while `pq` holds too much unacknowledged data. */
  flowControlled(pq: ProcessQueue): boolean;
  /** A wait before the next pull of `mq` (orderly queues whose lock is not held); 0 = none. */
  pullDelayMs?(mq: MessageQueue): number;
  /** Messages that passed the tag re-check (already in `pq`). */
  onMessages(mq: MessageQueue, pq: ProcessQueue, messages: MessageView[]): void;
  /** The broker said the offset was illegal; pulling continues from `nextOffset`. */
  onOffsetMoved(mq: MessageQueue, nextOffset: number): void;
  /** No new message; `pq` is empty and the consumer may move its offset to `nextOffset`. */
  onIdle(mq: MessageQueue, nextOffset: number): void;
}

/** Pulls one queue until stopped. */
export class QueuePuller {
  readonly mq: MessageQueue;
  readonly pq = new ProcessQueue();
  /** Offset of the next pull. */
  nextOffset: number;
  readonly #host: PullerHost;
  readonly #stopper = new AbortController();
  readonly #signal: AbortSignal;
  #done: Promise<void> | undefined;
  /** The broker id the last pull answer suggested (`suggestWhichBrokerId`; 0 = master). */
  #pullFromBrokerId = 0;

  /** Creates a puller starting at `startOffset`; call `start()`. */
  constructor(host: PullerHost, mq: MessageQueue, startOffset: number) {
    this.#host = host;
    this.#signal = AbortSignal.any([host.signal, this.#stopper.signal]);
    this.mq = mq;
    this.nextOffset = startOffset;
  }

  /** Starts the loop. */
  start(): void {
    this.#done ??= this.#loop();
  }

  /** Stops the loop (the queue is dropped) and resolves when it has exited. */
  async stop(): Promise<void> {
    this.pq.drop();
    this.#stopper.abort();
    await this.#done;
  }

  /** The broker id the next pull goes to first (0 = master), as the last answer suggested. */
  get pullFromBrokerId(): number {
    return this.#pullFromBrokerId;
  }

  /** Resolves when the loop has exited. */
  get done(): Promise<void> {
    return this.#done ?? Promise.resolve();
  }

  async #loop(): Promise<void> {
    const signal = this.#signal;
    const settings = this.#host.settings;
    while (!this.pq.dropped && !signal.aborted) {
      if (this.#host.flowControlled(this.pq)) {
        await sleep(PULL_DELAY_ON_FLOW_CONTROL_MS, signal);
        continue;
      }
      const delayMs = this.#host.pullDelayMs?.(this.mq) ?? 0;
      if (delayMs > 0) {
        await sleep(delayMs, signal);
        continue;
      }
      try {
        await this.#pullOnce();
      } catch (cause) {
        if (this.pq.dropped || signal.aborted) break;
        log.warn("Pull failed", { queue: messageQueueKey(this.mq), cause });
        await sleep(PULL_DELAY_ON_ERROR_MS, signal);
        continue;
      }
      if (settings.pullIntervalMs > 0) await sleep(settings.pullIntervalMs, signal);
    }
  }

  /**
   * The replica to pull from (Java `PullAPIWrapper.pullKernelImpl`): the broker
   * id the last answer suggested, else the id + 1, else any address of the
   * group; the route is refreshed once when the group is unknown.
   */
  async #pullBroker(): Promise<FindBrokerResult> {
    const instance = this.#host.instance;
    const { brokerName, topic } = this.mq;
    const id = this.#pullFromBrokerId;
    let found = instance.findBrokerAddressInSubscribe(brokerName, id, false);
    if (found === undefined) {
      await instance.updateTopicRoute(topic);
      found = instance.findBrokerAddressInSubscribe(brokerName, id, false);
    }
    if (found === undefined) {
      throw new MQClientError(
        `Cannot pull: broker "${brokerName}" is not in the route of "${topic}"`,
        "NO_ROUTE",
      );
    }
    return found;
  }

  async #pullOnce(): Promise<void> {
    const host = this.#host;
    const sub = host.subscription(this.mq.topic);
    if (sub === undefined) {
      await sleep(1000, this.#signal);
      return;
    }
    const instance = host.instance;
    const broker = await this.#pullBroker();
    // A slave does not store offsets: no commit piggybacked on pulls sent to it.
    const commitOffset = broker.slave ? undefined : host.commitOffset(this.mq);
    const offset = this.nextOffset;
    const suspendMs = host.settings.suspendTimeoutMs;
    const result = await abortable(
      instance.api.pullMessage(broker.addr, {
        consumerGroup: host.group,
        topic: this.mq.topic,
        queueId: this.mq.queueId,
        queueOffset: offset,
        maxMsgNums: host.settings.pullBatchSize,
        sysFlag: pullSysFlag({
          commitOffset: commitOffset !== undefined && commitOffset > 0,
          suspend: true,
          subscription: true,
        }),
        commitOffset: commitOffset ?? 0,
        suspendTimeoutMillis: suspendMs,
        subscription: sub.subString,
        subVersion: sub.subVersion,
        expressionType: sub.expressionType,
      }, { timeoutMs: suspendMs + 15_000 }),
      this.#signal,
    );
    if (result === undefined || this.pq.dropped || offset !== this.nextOffset) return;
    this.#pullFromBrokerId = result.suggestWhichBrokerId;
    this.nextOffset = result.nextBeginOffset;
    switch (result.status) {
      case "FOUND": {
        const all = result.body === undefined
          ? []
          : decodeMessageViews(result.body, this.mq.brokerName);
        this.pq.lastPullMs = performance.now();
        // Tag re-check: the broker filters by hash only.
        const wanted = all.filter((m) => matchesSubscription(sub, m.tags));
        const skipped = all.filter((m) => !matchesSubscription(sub, m.tags));
        this.pq.putMessages(
          all.map((m) => ({ queueOffset: m.queueOffset, bodySize: m.body.length })),
        );
        if (skipped.length > 0) this.pq.removeMessages(skipped.map((m) => m.queueOffset));
        if (wanted.length > 0) host.onMessages(this.mq, this.pq, wanted);
        else if (this.pq.messageCount === 0) host.onIdle(this.mq, this.nextOffset);
        return;
      }
      case "NO_NEW_MSG":
      case "NO_MATCHED_MSG":
        if (this.pq.messageCount === 0) host.onIdle(this.mq, this.nextOffset);
        return;
      case "OFFSET_ILLEGAL":
        log.warn("Pull offset illegal, moving", {
          queue: messageQueueKey(this.mq),
          from: offset,
          to: this.nextOffset,
        });
        this.pq.clear();
        host.onOffsetMoved(this.mq, this.nextOffset);
        return;
    }
  }
}
