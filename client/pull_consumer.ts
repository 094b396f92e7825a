/**
 * PullConsumer (Java `DefaultLitePullConsumer`): the application polls.
 * Queues come from `subscribe` (rebalanced in the group like a push
 * consumer) or `assign` (fixed); background long-polling fills a bounded
 * buffer; `poll` hands out batches; offsets are committed automatically after
 * each poll or explicitly with `commit`; `seek` moves a queue.
 *
 * Runs on: main thread
 * @module
 */
import { getLogger, validateGroup } from "../common/mod.ts";
import { QueuePuller } from "./_queue_puller.ts";
import type { PullerHost } from "./_queue_puller.ts";
import { computeStartOffset } from "./_start_offset.ts";
import { allocateStrategy } from "./allocate_strategy.ts";
import type { AllocateStrategy, AllocateStrategyName } from "./allocate_strategy.ts";
import { acquireClientInstance } from "./client_instance.ts";
import type { ClientInstance, ClientOptions } from "./client_instance.ts";
import { MQClientError } from "./errors.ts";
import type { ConsumeFromWhere, MessageModel } from "./heartbeat_data.ts";
import type { MessageView } from "./message.ts";
import { messageQueueKey } from "./message_queue.ts";
import type { MessageQueue } from "./message_queue.ts";
import { LocalFileOffsetStore, RemoteBrokerOffsetStore } from "./offset_store.ts";
import type { OffsetStore } from "./offset_store.ts";
import type { ProcessQueue } from "./process_queue.ts";
import { rebalanceGroup } from "./rebalance.ts";
import { buildSubscriptionData } from "./subscription.ts";
import type { SubscriptionExpression } from "./message_selector.ts";
import type { SubscriptionData } from "./subscription.ts";
import { compareMessageQueues } from "./message_queue.ts";
import { subscribeQueues } from "./topic_route.ts";

const log = getLogger("client.pull-consumer");

/** Lite pull consumer settings (defaults are Java's). */
export interface PullConsumerOptions extends ClientOptions {
  groupName: string;
  /** Default `CLUSTERING`. */
  messageModel?: MessageModel;
  /** Default `CONSUME_FROM_LAST_OFFSET`. */
  consumeFromWhere?: ConsumeFromWhere;
  /** Start time for `CONSUME_FROM_TIMESTAMP` (default: 30 minutes ago). */
  consumeTimestampMs?: number;
  /** Default `AVG`. */
  allocateStrategy?: AllocateStrategy | AllocateStrategyName;
  /** Commit the offsets of polled messages automatically (default true). */
  autoCommit?: boolean;
  /** Messages per pull, and at most per `poll` (default 10). */
  pullBatchSize?: number;
  /** Unpolled messages per queue before pulling pauses (default 1000). */
  pullThresholdForQueue?: number;
  /** Default wait of `poll` (default 5000 ms). */
  pollTimeoutMs?: number;
  /** Broker hold time of a pull with no message (default 15 000 ms). */
  suspendTimeoutMs?: number;
  /** Folder of broadcasting offset files (default `./.rocketmq_offsets`). */
  offsetStoreDir?: string;
}

interface Batch {
  readonly puller: QueuePuller;
  readonly messages: MessageView[];
}

/** Polls messages; `subscribe` or `assign`, then `start()`, `poll()`, `shutdown()`. */
export class PullConsumer {
  readonly #options: PullConsumerOptions;
  readonly #subscriptions = new Map<string, SubscriptionData>();
  readonly #pullers = new Map<string, QueuePuller>();
  readonly #pending = new Map<string, { mq: MessageQueue; offset: number }>();
  readonly #abort = new AbortController();
  readonly #strategy: AllocateStrategy;
  #buffer: Batch[] = [];
  #wakeUp: (() => void) | undefined;
  #assigned: MessageQueue[] | undefined;
  #instance: ClientInstance | undefined;
  #offsetStore: OffsetStore | undefined;
  #rebalancing: Promise<void> = Promise.resolve();
  #state: "created" | "running" | "closed" = "created";

  /** Validates options; nothing connects until `start()`. */
  constructor(options: PullConsumerOptions) {
    const check = validateGroup(options.groupName);
    if (!check.ok) {
      throw new TypeError(`Invalid consumer group "${options.groupName}": ${check.message}`);
    }
    this.#options = options;
    const strategy = options.allocateStrategy ?? "AVG";
    this.#strategy = typeof strategy === "string" ? allocateStrategy(strategy) : strategy;
  }

  /** The consumer group. */
  get groupName(): string {
    return this.#options.groupName;
  }

  /** Clustering or broadcasting. */
  get messageModel(): MessageModel {
    return this.#options.messageModel ?? "CLUSTERING";
  }

  /** Subscribes to `topic` (queues are shared in the group by rebalance). */
  subscribe(topic: string, expression: SubscriptionExpression = "*"): this {
    if (this.#assigned !== undefined) {
      throw new MQClientError("Cannot subscribe: queues were assigned", "NOT_STARTED");
    }
    this.#subscriptions.set(topic, buildSubscriptionData(topic, expression, Date.now()));
    if (this.#state === "running") void this.#rebalance();
    return this;
  }

  /** Drops the subscription of `topic`. */
  unsubscribe(topic: string): void {
    this.#subscriptions.delete(topic);
    if (this.#state === "running") void this.#rebalance();
  }

  /** Consumes exactly `queues` (no group rebalance); resolves when pulling started (if running). */
  assign(queues: readonly MessageQueue[]): Promise<void> {
    if (this.#subscriptions.size > 0 && this.#assigned === undefined) {
      throw new MQClientError("Cannot assign: topics were subscribed", "NOT_STARTED");
    }
    this.#assigned = [...queues];
    for (const mq of queues) {
      if (!this.#subscriptions.has(mq.topic)) {
        this.#subscriptions.set(mq.topic, buildSubscriptionData(mq.topic, "*", Date.now()));
      }
    }
    return this.#state === "running" ? this.#rebalance() : Promise.resolve();
  }

  /** Queues owned now. */
  assignment(): MessageQueue[] {
    return [...this.#pullers.values()].map((p) => p.mq);
  }

  /** Connects, registers the group and starts pulling. */
  async start(): Promise<void> {
    if (this.#state !== "created") {
      throw new MQClientError("Cannot start consumer: already started", "NOT_STARTED");
    }
    const instance = acquireClientInstance(this.#options);
    try {
      instance.registerConsumer(this.groupName, {
        consumerData: () => ({
          groupName: this.groupName,
          consumeType: "CONSUME_ACTIVELY",
          messageModel: this.messageModel,
          consumeFromWhere: this.#options.consumeFromWhere ?? "CONSUME_FROM_LAST_OFFSET",
          subscriptions: [...this.#subscriptions.values()],
        }),
        topics: () => this.#subscriptions.keys(),
        doRebalance: () => this.#rebalance(),
        persistOffsets: () => this.#persist(),
        runningInfo: () => ({ properties: { consumeType: "CONSUME_ACTIVELY" } }),
      });
    } catch (error) {
      await instance.release();
      throw error;
    }
    this.#instance = instance;
    this.#offsetStore = this.#createOffsetStore(instance);
    await this.#offsetStore.load();
    this.#state = "running";
    instance.start();
    for (const topic of this.#subscriptions.keys()) {
      await instance.updateTopicRoute(topic).catch((cause) =>
        log.warn("No route yet", { topic, cause })
      );
    }
    await instance.sendHeartbeatToAllBrokers();
    await this.#rebalance();
  }

  #createOffsetStore(instance: ClientInstance): OffsetStore {
    if (this.messageModel === "BROADCASTING") {
      const dir = this.#options.offsetStoreDir ?? "./.rocketmq_offsets";
      const safeId = instance.clientId.replace(/[^A-Za-z0-9_.@#-]/g, "_");
      return new LocalFileOffsetStore(`${dir}/${safeId}/${this.groupName}/offsets.json`);
    }
    return new RemoteBrokerOffsetStore({
      queryConsumerOffset: async (mq) => {
        const { addr } = await instance.findOffsetBroker(mq.brokerName, mq.topic);
        return await instance.api.queryConsumerOffset(addr, this.groupName, {
          mq,
          timeoutMs: instance.requestTimeoutMs,
        });
      },
      updateConsumerOffset: async (mq, offset) => {
        const { addr } = await instance.findOffsetBroker(mq.brokerName, mq.topic);
        await instance.api.updateConsumerOffset(addr, this.groupName, { mq, offset });
      },
    });
  }

  /** The readable queues of `topic` from its route. */
  async fetchMessageQueues(topic: string): Promise<MessageQueue[]> {
    const instance = this.#running();
    const route = await instance.updateTopicRoute(topic);
    if (route === undefined) {
      throw new MQClientError(`Cannot fetch queues: no route for topic "${topic}"`, "NO_ROUTE");
    }
    return subscribeQueues(topic, route).sort(compareMessageQueues);
  }

  #running(): ClientInstance {
    if (this.#state !== "running" || this.#instance === undefined) {
      throw new MQClientError(
        "The pull consumer is not running",
        this.#state === "closed" ? "CLOSED" : "NOT_STARTED",
      );
    }
    return this.#instance;
  }

  #rebalance(): Promise<void> {
    const next = this.#rebalancing.then(() => this.#rebalanceOnce());
    this.#rebalancing = next.catch(() => undefined);
    return next;
  }

  async #rebalanceOnce(): Promise<void> {
    if (this.#state !== "running") return;
    if (this.#assigned !== undefined) {
      const wanted = new Set(this.#assigned.map(messageQueueKey));
      for (const p of [...this.#pullers.values()]) {
        if (!wanted.has(messageQueueKey(p.mq))) await this.#removeQueue(p.mq);
      }
      for (const mq of this.#assigned) {
        if (!this.#pullers.has(messageQueueKey(mq))) await this.#addQueue(mq);
      }
      return;
    }
    await rebalanceGroup({
      instance: this.#instance!,
      group: this.groupName,
      messageModel: this.messageModel,
      strategy: this.#strategy,
      topics: () => this.#subscriptions.keys(),
      ownedQueues: () => this.assignment(),
      addQueue: (mq) => this.#addQueue(mq),
      removeQueue: (mq) => this.#removeQueue(mq),
    });
  }

  async #addQueue(mq: MessageQueue, startAt?: number): Promise<boolean> {
    const store = this.#offsetStore!;
    store.removeOffset(mq);
    const start = startAt ?? await computeStartOffset(this.#instance!, mq, {
      offsetStore: store,
      consumeFromWhere: this.#options.consumeFromWhere ?? "CONSUME_FROM_LAST_OFFSET",
      timestampMs: this.#options.consumeTimestampMs ?? Date.now() - 30 * 60_000,
    });
    if (this.#state !== "running") return true;
    if (start < 0) return false;
    if (this.#pullers.has(messageQueueKey(mq))) return true;
    const puller = new QueuePuller(this.#pullerHost(), mq, start);
    this.#pullers.set(messageQueueKey(mq), puller);
    puller.start();
    return true;
  }

  async #removeQueue(mq: MessageQueue): Promise<void> {
    const key = messageQueueKey(mq);
    const puller = this.#pullers.get(key);
    if (puller === undefined) return;
    this.#pullers.delete(key);
    this.#buffer = this.#buffer.filter((b) => b.puller !== puller);
    await puller.stop();
    await this.#offsetStore!.persist(mq);
    this.#offsetStore!.removeOffset(mq);
  }

  #pullerHost(): PullerHost {
    const store = this.#offsetStore!;
    const limit = this.#options.pullThresholdForQueue ?? 1000;
    return {
      instance: this.#instance!,
      group: this.groupName,
      signal: this.#abort.signal,
      settings: {
        pullBatchSize: this.#options.pullBatchSize ?? 10,
        suspendTimeoutMs: this.#options.suspendTimeoutMs ?? 15_000,
        pullIntervalMs: 0,
      },
      subscription: (topic) => this.#subscriptions.get(topic),
      commitOffset: () => undefined,
      flowControlled: (pq: ProcessQueue) => pq.messageCount > limit,
      onMessages: (mq, _pq, messages) => {
        const puller = this.#pullers.get(messageQueueKey(mq));
        if (puller === undefined) return;
        this.#buffer.push({ puller, messages });
        this.#wakeUp?.();
      },
      onOffsetMoved: (mq, next) => store.updateOffset(mq, next, false),
      onIdle: (mq, next) => {
        if (this.#options.autoCommit !== false) store.updateOffset(mq, next, true);
      },
    };
  }

  /**
   * The next batch of messages (one pull's worth), waiting up to `timeoutMs`
   * (default `pollTimeoutMs`); empty on timeout. Call from one task at a time.
   */
  async poll(timeoutMs = this.#options.pollTimeoutMs ?? 5000): Promise<MessageView[]> {
    this.#running();
    if (this.#buffer.length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const signal = this.#abort.signal;
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        signal.addEventListener("abort", done, { once: true });
        this.#wakeUp = done;
      });
      this.#wakeUp = undefined;
    }
    const batch = this.#buffer.shift();
    if (batch === undefined || batch.puller.pq.dropped) return [];
    const offset = batch.puller.pq.removeMessages(batch.messages.map((m) => m.queueOffset));
    if (offset >= 0) {
      const mq = batch.puller.mq;
      if (this.#options.autoCommit !== false) this.#offsetStore!.updateOffset(mq, offset, true);
      else this.#pending.set(messageQueueKey(mq), { mq, offset });
    }
    return batch.messages;
  }

  /** Commits the offsets of everything polled so far and writes them to the store. */
  async commit(): Promise<void> {
    const store = this.#offsetStore;
    if (store === undefined) return;
    for (const { mq, offset } of this.#pending.values()) store.updateOffset(mq, offset, true);
    this.#pending.clear();
    await store.persistAll(this.assignment());
  }

  /** The committed offset of `mq` (from the store), or -1. */
  async committed(mq: MessageQueue): Promise<number> {
    this.#running();
    return await this.#offsetStore!.readOffset(mq, "store");
  }

  /** Moves `mq` (owned now) to `offset`: buffered messages are dropped and pulling restarts there. */
  async seek(mq: MessageQueue, offset: number): Promise<void> {
    this.#running();
    const key = messageQueueKey(mq);
    if (!this.#pullers.has(key)) {
      throw new MQClientError(`Cannot seek: queue "${key}" is not owned`, "NOT_STARTED");
    }
    await this.#removeQueue(mq);
    this.#pending.delete(key);
    this.#offsetStore!.updateOffset(mq, offset, false);
    await this.#offsetStore!.persist(mq);
    await this.#addQueue(mq, offset);
  }

  /** Moves `mq` to its first or last offset. */
  async seekTo(mq: MessageQueue, where: "begin" | "end"): Promise<void> {
    const instance = this.#running();
    const addr = await instance.findBrokerAddrOrRefresh(mq.brokerName, mq.topic);
    const offset = await instance.api.queueNumber(addr, where === "begin" ? "min" : "max", {
      mq,
      timeoutMs: instance.requestTimeoutMs,
    });
    await this.seek(mq, offset);
  }

  /** Polls batches until `shutdown()`. */
  async *[Symbol.asyncIterator](): AsyncGenerator<MessageView[]> {
    while (this.#state === "running") {
      const batch = await this.poll();
      if (batch.length > 0) yield batch;
    }
  }

  async #persist(): Promise<void> {
    await this.#offsetStore?.persistAll(this.assignment());
  }

  /** Stops pulling, persists offsets and leaves the group. */
  async shutdown(): Promise<void> {
    if (this.#state !== "running") {
      this.#state = "closed";
      return;
    }
    this.#state = "closed";
    this.#abort.abort();
    this.#wakeUp?.();
    const pullers = [...this.#pullers.values()];
    await Promise.all(pullers.map((p) => p.done));
    await this.#persist();
    for (const p of pullers) p.pq.drop();
    this.#pullers.clear();
    this.#buffer = [];
    const instance = this.#instance!;
    await instance.unregister("consumer", this.groupName);
    await instance.release();
  }

  /** Same as `shutdown()`. */
  close(): Promise<void> {
    return this.shutdown();
  }
}
