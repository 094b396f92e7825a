/**
 * PushConsumer (Java `DefaultMQPushConsumer`): subscribes with tag or SQL92
 * expressions, shares queues with the group (clustering, offsets on the
 * broker) or takes them all (broadcasting, offsets in a local file),
 * long-polls each owned queue, and consumes either concurrently
 * (`_consume_concurrently.ts`: failed messages are sent back for
 * redelivery) or in order (`consume_orderly.ts`: queues locked on the broker
 * with `_queue_locks.ts`, failures suspend the queue), committing the
 * smallest unacknowledged offset of each queue.
 *
 * Runs on: main thread
 * @module
 */
import { getLogger, retryTopic, validateGroup } from "../common/mod.ts";
import { ConsumeConcurrentlyService, sendMessageBack } from "./_consume_concurrently.ts";
import type { MessageListener } from "./_consume_concurrently.ts";
import { consumeDirectly } from "./_consume_directly.ts";
import { QueueLocks } from "./_queue_locks.ts";
import { QueuePuller } from "./_queue_puller.ts";
import type { PullerHost, PullSettings } from "./_queue_puller.ts";
import { computeStartOffset } from "./_start_offset.ts";
import { allocateStrategy } from "./allocate_strategy.ts";
import type { AllocateStrategy, AllocateStrategyName } from "./allocate_strategy.ts";
import { acquireClientInstance } from "./client_instance.ts";
import type { ClientInstance, ClientOptions } from "./client_instance.ts";
import { ConsumeOrderlyService } from "./consume_orderly.ts";
import type { MessageListenerOrderly } from "./consume_orderly.ts";
import { MQClientError } from "./errors.ts";
import type { ConsumeFromWhere, ConsumerData, MessageModel } from "./heartbeat_data.ts";
import type { MessageView } from "./message.ts";
import type { SubscriptionExpression } from "./message_selector.ts";
import { messageQueueKey } from "./message_queue.ts";
import type { MessageQueue } from "./message_queue.ts";
import { LocalFileOffsetStore, RemoteBrokerOffsetStore } from "./offset_store.ts";
import type { OffsetStore } from "./offset_store.ts";
import type { ProcessQueue } from "./process_queue.ts";
import { rebalanceGroup } from "./rebalance.ts";
import { buildSubscriptionData } from "./subscription.ts";
import { checkSubscriptionsInBroker } from "./_check_client_config.ts";
import type { SubscriptionData } from "./subscription.ts";

export type { ConsumeContext, ConsumeResult, MessageListener } from "./_consume_concurrently.ts";

const log = getLogger("client.consumer");

/** Pause of a queue's pulls while its orderly lock is not held (Java waits 3 s). */
const PULL_DELAY_WHEN_NOT_LOCKED_MS = 1000;

/** Push consumer settings (defaults are Java's). */
export interface PushConsumerOptions extends ClientOptions {
  /** Consumer group. */
  groupName: string;
  /** Default `CLUSTERING`. */
  messageModel?: MessageModel;
  /** Where a group without a committed offset starts (default `CONSUME_FROM_LAST_OFFSET`). */
  consumeFromWhere?: ConsumeFromWhere;
  /** Start time for `CONSUME_FROM_TIMESTAMP` (default: 30 minutes ago). */
  consumeTimestampMs?: number;
  /** Queue allocation strategy (default `AVG`). */
  allocateStrategy?: AllocateStrategy | AllocateStrategyName;
  /** Listener calls running at once (Java `consumeThreadMax`, default 20). */
  consumeConcurrency?: number;
  /** Messages per listener call (default 1). */
  consumeMessageBatchMaxSize?: number;
  /** Messages per pull (default 32). */
  pullBatchSize?: number;
  /** Unacknowledged messages per queue before pulling pauses (default 1000). */
  pullThresholdForQueue?: number;
  /** Unacknowledged body MiB per queue before pulling pauses (default 100). */
  pullThresholdSizeForQueueMiB?: number;
  /** Largest offset span of unacknowledged messages in a queue before pulling pauses (default 2000). */
  consumeConcurrentlyMaxSpan?: number;
  /** Pause between pulls of one queue (default 0). */
  pullIntervalMs?: number;
  /** How long the broker may hold a pull with no message (default 15 000 ms). */
  suspendTimeoutMs?: number;
  /** Redeliveries before a message goes to the dead-letter queue (default 16). */
  maxReconsumeTimes?: number;
  /** Consume each queue in order, one batch at a time, under a broker lock (default false). */
  orderly?: boolean;
  /** Orderly mode: pause after a failed batch (default 1000 ms). */
  suspendCurrentQueueTimeMillis?: number;
  /** Orderly mode: lock renewal period (default 20 000 ms). */
  lockRenewIntervalMs?: number;
  /** Folder of broadcasting offset files (default `./.rocketmq_offsets`). */
  offsetStoreDir?: string;
  /** The listener (or set it with `registerMessageListener`). */
  listener?: MessageListener;
  /** The orderly listener (sets `orderly`; or use `registerMessageListenerOrderly`). */
  orderlyListener?: MessageListenerOrderly;
}

/** Receives messages through a listener; `subscribe`, then `start()`, then `shutdown()`. */
export class PushConsumer {
  readonly #options: PushConsumerOptions;
  readonly #subscriptions = new Map<string, SubscriptionData>();
  readonly #pullers = new Map<string, QueuePuller>();
  readonly #abort = new AbortController();
  readonly #strategy: AllocateStrategy;
  #listener: MessageListener | undefined;
  #orderlyListener: MessageListenerOrderly | undefined;
  #concurrently: ConsumeConcurrentlyService | undefined;
  #orderly: ConsumeOrderlyService | undefined;
  #locks: QueueLocks | undefined;
  #instance: ClientInstance | undefined;
  #offsetStore: OffsetStore | undefined;
  #state: "created" | "running" | "closed" = "created";

  /** Validates options; nothing connects until `start()`. */
  constructor(options: PushConsumerOptions) {
    const check = validateGroup(options.groupName);
    if (!check.ok) {
      throw new TypeError(`Invalid consumer group "${options.groupName}": ${check.message}`);
    }
    this.#options = options;
    this.#listener = options.listener;
    this.#orderlyListener = options.orderlyListener;
    const strategy = options.allocateStrategy ?? "AVG";
    this.#strategy = typeof strategy === "string" ? allocateStrategy(strategy) : strategy;
  }

  /** Whether queues are consumed in order (`orderly` option or an orderly listener). */
  get orderly(): boolean {
    return this.#options.orderly === true || this.#orderlyListener !== undefined;
  }

  /** The consumer group. */
  get groupName(): string {
    return this.#options.groupName;
  }

  /** Clustering or broadcasting. */
  get messageModel(): MessageModel {
    return this.#options.messageModel ?? "CLUSTERING";
  }

  /**
   * Subscribes to `topic` with a tag expression (`*`, `TagA || TagB`), an
   * SQL92 filter (`{ sql: "a > 5" }` or `MessageSelector.bySql`); replaces an
   * earlier one. Throws `TypeError` on SQL that does not parse.
   */
  subscribe(topic: string, expression: SubscriptionExpression = "*"): this {
    this.#subscriptions.set(topic, buildSubscriptionData(topic, expression, Date.now()));
    if (this.#state === "running") void this.#instance!.sendHeartbeatToAllBrokers();
    return this;
  }

  /** Drops the subscription of `topic`; its queues are released at the next rebalance. */
  unsubscribe(topic: string): void {
    this.#subscriptions.delete(topic);
    if (this.#state === "running") this.#instance!.rebalanceSoon();
  }

  /** Sets the concurrent listener (before `start()`). */
  registerMessageListener(listener: MessageListener): void {
    this.#listener = listener;
  }

  /** Sets an orderly listener (before `start()`); the consumer becomes orderly. */
  registerMessageListenerOrderly(listener: MessageListenerOrderly): void {
    this.#orderlyListener = listener;
  }

  /** Queues this consumer owns now. */
  assignedQueues(): MessageQueue[] {
    return [...this.#pullers.values()].map((p) => p.mq);
  }

  /** Joins the group: heartbeat, first rebalance, pulling. */
  async start(): Promise<void> {
    if (this.#state !== "created") {
      throw new MQClientError("Cannot start consumer: already started", "NOT_STARTED");
    }
    if (this.#listener === undefined && this.#orderlyListener === undefined) {
      throw new MQClientError("Cannot start consumer: no message listener", "NOT_STARTED");
    }
    if (this.#subscriptions.size === 0) {
      throw new MQClientError("Cannot start consumer: no subscription", "NOT_STARTED");
    }
    if (this.messageModel === "CLUSTERING") {
      const retry = retryTopic(this.groupName);
      this.#subscriptions.set(retry, buildSubscriptionData(retry, "*", Date.now()));
    }
    const instance = acquireClientInstance(this.#options);
    try {
      instance.registerConsumer(this.groupName, this.#registration());
    } catch (error) {
      await instance.release();
      throw error;
    }
    this.#instance = instance;
    this.#offsetStore = this.#createOffsetStore(instance);
    await this.#offsetStore.load();
    this.#createConsumeService(instance);
    this.#state = "running";
    instance.start();
    for (const topic of this.#subscriptions.keys()) {
      await instance.updateTopicRoute(topic).catch((cause) =>
        log.warn("No route yet", { topic, cause })
      );
    }
    try {
      await checkSubscriptionsInBroker(instance, this.groupName, this.#subscriptions.values());
    } catch (error) {
      await this.shutdown();
      throw error;
    }
    this.#locks?.start();
    await instance.sendHeartbeatToAllBrokers();
    await this.#rebalance();
  }

  #createConsumeService(instance: ClientInstance): void {
    const o = this.#options;
    const store = this.#offsetStore!;
    const common = {
      instance,
      group: this.groupName,
      messageModel: this.messageModel,
      signal: this.#abort.signal,
      batchSize: o.consumeMessageBatchMaxSize ?? 1,
      maxReconsumeTimes: o.maxReconsumeTimes ?? 16,
      commit: (mq: MessageQueue, offset: number) => store.updateOffset(mq, offset, !this.orderly),
    };
    if (!this.orderly) {
      const listener = this.#listener!;
      this.#concurrently = new ConsumeConcurrentlyService({
        ...common,
        concurrency: o.consumeConcurrency ?? 20,
        listener,
      });
      return;
    }
    const clustering = this.messageModel === "CLUSTERING";
    const locks = clustering
      ? new QueueLocks(instance, this.groupName, {
        renewIntervalMs: o.lockRenewIntervalMs ?? 20_000,
      })
      : undefined;
    this.#locks = locks;
    const listener = this.#orderlyListener ?? (async (messages, context) => {
      const result = await this.#listener!(messages, { ...context, delayLevelWhenNextConsume: 0 });
      return result === "RECONSUME_LATER" ? "SUSPEND_CURRENT_QUEUE_A_MOMENT" : "SUCCESS";
    });
    this.#orderly = new ConsumeOrderlyService({
      ...common,
      suspendMs: o.suspendCurrentQueueTimeMillis ?? 1000,
      listener,
      lockValid: (mq) => locks === undefined || locks.isLocked(mq),
      relock: (mq) => locks === undefined ? Promise.resolve(true) : locks.lock(mq),
      // CONSUMER_SEND_MSG_BACK with a negative delay level: straight to %DLQ%<group>.
      sendToDeadLetter: (m) => clustering ? sendMessageBack(common, m, -1) : Promise.resolve(true),
    });
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

  #registration() {
    return {
      consumerData: (): ConsumerData => ({
        groupName: this.groupName,
        consumeType: "CONSUME_PASSIVELY",
        messageModel: this.messageModel,
        consumeFromWhere: this.#options.consumeFromWhere ?? "CONSUME_FROM_LAST_OFFSET",
        subscriptions: [...this.#subscriptions.values()],
      }),
      topics: () => this.#subscriptions.keys(),
      doRebalance: () => this.#rebalance(),
      persistOffsets: () => this.#persistOffsets(),
      runningInfo: () => this.#runningInfo(),
      consumeDirectly: (message: MessageView) =>
        consumeDirectly(message, {
          listener: this.#listener,
          orderlyListener: this.#orderlyListener,
          orderly: this.orderly,
        }),
    };
  }

  #runningInfo(): Record<string, unknown> {
    return {
      properties: {
        consumeType: "CONSUME_PASSIVELY",
        messageModel: this.messageModel,
        consumeConcurrency: String(this.#options.consumeConcurrency ?? 20),
        consumeOrderly: String(this.orderly),
      },
      subscriptionSet: [...this.#subscriptions.values()],
      mqTable: Object.fromEntries([...this.#pullers.values()].map((p) => [
        messageQueueKey(p.mq),
        {
          nextOffset: p.nextOffset,
          cachedMsgCount: p.pq.messageCount,
          cachedMsgSizeInMiB: p.pq.messageBytes / 1048576,
        },
      ])),
    };
  }

  #rebalance(): Promise<void> {
    // One rebalance at a time: a broker notification may arrive while start() rebalances.
    const next = this.#rebalancing.then(() => this.#rebalanceOnce());
    this.#rebalancing = next.catch(() => undefined);
    return next;
  }

  #rebalancing: Promise<void> = Promise.resolve();

  async #rebalanceOnce(): Promise<void> {
    if (this.#state !== "running") return;
    await rebalanceGroup({
      instance: this.#instance!,
      group: this.groupName,
      messageModel: this.messageModel,
      strategy: this.#strategy,
      topics: () => this.#subscriptions.keys(),
      ownedQueues: () => this.assignedQueues(),
      addQueue: (mq) => this.#addQueue(mq),
      removeQueue: (mq) => this.#removeQueue(mq),
    });
  }

  async #addQueue(mq: MessageQueue): Promise<boolean> {
    // Orderly: the lock first, then the offset (what the previous owner committed).
    if (this.#locks !== undefined && !(await this.#locks.lock(mq))) {
      log.info("Queue is locked by another consumer", {
        group: this.groupName,
        queue: messageQueueKey(mq),
      });
      this.#locks.forget(mq);
      return false;
    }
    const store = this.#offsetStore!;
    store.removeOffset(mq);
    const start = await computeStartOffset(this.#instance!, mq, {
      offsetStore: store,
      consumeFromWhere: this.#options.consumeFromWhere ?? "CONSUME_FROM_LAST_OFFSET",
      timestampMs: this.#options.consumeTimestampMs ?? Date.now() - 30 * 60_000,
    });
    if (this.#state !== "running") return true;
    if (start < 0) return false;
    if (this.#pullers.has(messageQueueKey(mq))) return true;
    const puller = new QueuePuller(this.#pullerHost(), mq, start);
    this.#pullers.set(messageQueueKey(mq), puller);
    log.info("Queue added", { group: this.groupName, queue: messageQueueKey(mq), offset: start });
    puller.start();
    return true;
  }

  async #removeQueue(mq: MessageQueue): Promise<void> {
    const key = messageQueueKey(mq);
    const puller = this.#pullers.get(key);
    if (puller === undefined) return;
    this.#pullers.delete(key);
    await puller.stop();
    await this.#orderly?.stopQueue(mq);
    const store = this.#offsetStore!;
    await store.persist(mq);
    store.removeOffset(mq);
    await this.#locks?.unlock(mq);
    log.info("Queue removed", { group: this.groupName, queue: key });
  }

  #pullerHost(): PullerHost {
    const o = this.#options;
    const settings: PullSettings = {
      pullBatchSize: o.pullBatchSize ?? 32,
      suspendTimeoutMs: o.suspendTimeoutMs ?? 15_000,
      pullIntervalMs: o.pullIntervalMs ?? 0,
    };
    const store = this.#offsetStore!;
    return {
      instance: this.#instance!,
      group: this.groupName,
      signal: this.#abort.signal,
      settings,
      subscription: (topic) => this.#subscriptions.get(topic),
      commitOffset: (mq) => {
        if (this.messageModel === "BROADCASTING") return undefined;
        const offset = store.memoryOffset(mq);
        return offset !== undefined && offset >= 0 ? offset : undefined;
      },
      flowControlled: (pq) => this.#flowControlled(pq),
      pullDelayMs: (mq) =>
        this.#locks === undefined || this.#locks.isLocked(mq) ? 0 : PULL_DELAY_WHEN_NOT_LOCKED_MS,
      onMessages: (mq, pq, messages) => this.#submit(mq, pq, messages),
      onOffsetMoved: (mq, next) => {
        store.updateOffset(mq, next, false);
        void store.persist(mq);
      },
      onIdle: (mq, next) => store.updateOffset(mq, next, true),
    };
  }

  #flowControlled(pq: ProcessQueue): boolean {
    const o = this.#options;
    return pq.messageCount > (o.pullThresholdForQueue ?? 1000) ||
      pq.messageBytes > (o.pullThresholdSizeForQueueMiB ?? 100) * 1048576 ||
      pq.offsetSpan > (o.consumeConcurrentlyMaxSpan ?? 2000);
  }

  #submit(mq: MessageQueue, pq: ProcessQueue, messages: MessageView[]): void {
    if (this.#orderly !== undefined) this.#orderly.submit(mq, pq, messages);
    else this.#concurrently!.submit(mq, pq, messages);
  }

  async #persistOffsets(): Promise<void> {
    if (this.#offsetStore === undefined) return;
    await this.#offsetStore.persistAll(this.assignedQueues());
  }

  /** Stops pulling, waits for running listeners, commits offsets and leaves the group. */
  async shutdown(): Promise<void> {
    if (this.#state !== "running") {
      this.#state = "closed";
      return;
    }
    this.#state = "closed";
    this.#abort.abort();
    // A rebalance still running would ask the broker for the group after it was unregistered.
    await this.#rebalancing;
    const pullers = [...this.#pullers.values()];
    await Promise.all(pullers.map((p) => p.done));
    await this.#concurrently?.shutdown();
    await this.#orderly?.shutdown();
    await this.#persistOffsets();
    for (const p of pullers) p.pq.drop();
    this.#pullers.clear();
    await this.#locks?.stop();
    await this.#locks?.unlockAll();
    const instance = this.#instance!;
    await instance.unregister("consumer", this.groupName);
    await instance.release();
  }

  /** Same as `shutdown()`. */
  close(): Promise<void> {
    return this.shutdown();
  }
}
