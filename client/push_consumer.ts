/**
 * PushConsumer (Java `DefaultMQPushConsumer`, concurrent mode): subscribes
 * with tag expressions, shares queues with the group (clustering, offsets on
 * the broker) or takes them all (broadcasting, offsets in a local file),
 * long-polls each owned queue, runs the listener with bounded concurrency,
 * sends failed messages back for redelivery, and commits the smallest
 * unacknowledged offset of each queue.
 *
 * Runs on: main thread
 * @module
 */
import { getLogger, retryTopic, validateGroup } from "../common/mod.ts";
import { Semaphore, sleep } from "./_async.ts";
import { QueuePuller } from "./_queue_puller.ts";
import type { PullerHost, PullSettings } from "./_queue_puller.ts";
import { computeStartOffset } from "./_start_offset.ts";
import { allocateStrategy } from "./allocate_strategy.ts";
import type { AllocateStrategy, AllocateStrategyName } from "./allocate_strategy.ts";
import { acquireClientInstance } from "./client_instance.ts";
import type { ClientInstance, ClientOptions } from "./client_instance.ts";
import { MQClientError } from "./errors.ts";
import type { ConsumeFromWhere, ConsumerData, MessageModel } from "./heartbeat_data.ts";
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

const log = getLogger("client.consumer");

/** Delay before a batch is consumed again locally when sending it back failed. */
const RECONSUME_LATER_LOCAL_MS = 5000;

/** What a listener says about a batch. */
export type ConsumeResult = "CONSUME_SUCCESS" | "RECONSUME_LATER";

/** Context of one listener call. */
export interface ConsumeContext {
  /** The queue the batch came from. */
  readonly messageQueue: MessageQueue;
  /** Delay level for redelivery when the result is `RECONSUME_LATER`; 0 lets the broker decide. */
  delayLevelWhenNextConsume: number;
}

/** Consumes a batch; return (or resolve) `RECONSUME_LATER` or throw to have it redelivered. */
export type MessageListener = (
  messages: MessageView[],
  context: ConsumeContext,
) => ConsumeResult | void | Promise<ConsumeResult | void>;

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
  /** Deliveries before a message goes to the dead-letter queue (default 16). */
  maxReconsumeTimes?: number;
  /** Folder of broadcasting offset files (default `./.rocketmq_offsets`). */
  offsetStoreDir?: string;
  /** The listener (or set it with `registerMessageListener`). */
  listener?: MessageListener;
}

/** Receives messages through a listener; `subscribe`, then `start()`, then `shutdown()`. */
export class PushConsumer {
  readonly #options: PushConsumerOptions;
  readonly #subscriptions = new Map<string, SubscriptionData>();
  readonly #pullers = new Map<string, QueuePuller>();
  readonly #consuming = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  readonly #strategy: AllocateStrategy;
  readonly #limiter: Semaphore;
  #listener: MessageListener | undefined;
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
    const strategy = options.allocateStrategy ?? "AVG";
    this.#strategy = typeof strategy === "string" ? allocateStrategy(strategy) : strategy;
    this.#limiter = new Semaphore(options.consumeConcurrency ?? 20);
  }

  /** The consumer group. */
  get groupName(): string {
    return this.#options.groupName;
  }

  /** Clustering or broadcasting. */
  get messageModel(): MessageModel {
    return this.#options.messageModel ?? "CLUSTERING";
  }

  /** Subscribes to `topic` with a tag expression (`*`, `TagA || TagB`); replaces an earlier one. */
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

  /** Sets the listener (before `start()`). */
  registerMessageListener(listener: MessageListener): void {
    this.#listener = listener;
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
    if (this.#listener === undefined) {
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
        const addr = await instance.findBrokerAddrOrRefresh(mq.brokerName, mq.topic);
        return await instance.api.queryConsumerOffset(addr, this.groupName, {
          mq,
          timeoutMs: instance.requestTimeoutMs,
        });
      },
      updateConsumerOffset: async (mq, offset) => {
        const addr = await instance.findBrokerAddrOrRefresh(mq.brokerName, mq.topic);
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
      consumeDirectly: async (message: MessageView) => {
        const context = {
          messageQueue: {
            topic: message.topic,
            brokerName: message.brokerName,
            queueId: message.queueId,
          },
          delayLevelWhenNextConsume: 0,
        };
        return (await this.#callListener([message], context)) === "CONSUME_SUCCESS";
      },
    };
  }

  #runningInfo(): Record<string, unknown> {
    return {
      properties: {
        consumeType: "CONSUME_PASSIVELY",
        messageModel: this.messageModel,
        consumeConcurrency: String(this.#options.consumeConcurrency ?? 20),
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
    const store = this.#offsetStore!;
    await store.persist(mq);
    store.removeOffset(mq);
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
    const size = Math.max(1, this.#options.consumeMessageBatchMaxSize ?? 1);
    for (let i = 0; i < messages.length; i += size) {
      const chunk = messages.slice(i, i + size);
      const task = this.#limiter.run(() => this.#consume(mq, pq, chunk)).catch((cause) => {
        log.error("Consume task failed", { queue: messageQueueKey(mq), cause });
      });
      this.#consuming.add(task);
      void task.finally(() => this.#consuming.delete(task));
    }
  }

  async #callListener(messages: MessageView[], context: ConsumeContext): Promise<ConsumeResult> {
    try {
      return (await this.#listener!(messages, context)) ?? "CONSUME_SUCCESS";
    } catch (cause) {
      log.warn("Listener threw, the messages will be redelivered", {
        group: this.groupName,
        cause,
      });
      return "RECONSUME_LATER";
    }
  }

  async #consume(mq: MessageQueue, pq: ProcessQueue, messages: MessageView[]): Promise<void> {
    if (pq.dropped) return;
    const context: ConsumeContext = { messageQueue: mq, delayLevelWhenNextConsume: 0 };
    const result = await this.#callListener(messages, context);
    let done = messages;
    if (result === "RECONSUME_LATER") {
      const failed = this.messageModel === "CLUSTERING"
        ? await this.#sendBack(messages, context.delayLevelWhenNextConsume)
        : [];
      if (failed.length > 0) {
        done = messages.filter((m) => !failed.includes(m));
        void sleep(RECONSUME_LATER_LOCAL_MS, this.#abort.signal).then((slept) => {
          if (slept && !pq.dropped) this.#submit(mq, pq, failed);
        });
      }
    }
    const offset = pq.removeMessages(done.map((m) => m.queueOffset));
    if (offset >= 0 && !pq.dropped) this.#offsetStore!.updateOffset(mq, offset, true);
  }

  async #sendBack(messages: MessageView[], delayLevel: number): Promise<MessageView[]> {
    const instance = this.#instance!;
    const failed: MessageView[] = [];
    for (const m of messages) {
      try {
        const addr = await instance.findBrokerAddrOrRefresh(m.brokerName, m.topic);
        await instance.api.consumerSendMessageBack(addr, this.groupName, {
          commitLogOffset: m.commitLogOffset,
          delayLevel,
          originMsgId: m.properties.get("ORIGIN_MESSAGE_ID") ?? m.msgId,
          originTopic: m.topic,
          maxReconsumeTimes: this.#options.maxReconsumeTimes ?? 16,
          timeoutMs: instance.requestTimeoutMs,
        });
      } catch (cause) {
        log.warn("Cannot send message back, consuming it again later", { msgId: m.msgId, cause });
        failed.push(m);
      }
    }
    return failed;
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
    const pullers = [...this.#pullers.values()];
    await Promise.all(pullers.map((p) => p.done));
    await Promise.all([...this.#consuming]);
    await this.#persistOffsets();
    for (const p of pullers) p.pq.drop();
    this.#pullers.clear();
    const instance = this.#instance!;
    await instance.unregister("consumer", this.groupName);
    await instance.release();
  }

  /** Same as `shutdown()`. */
  close(): Promise<void> {
    return this.shutdown();
  }
}
