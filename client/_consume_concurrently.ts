/**
 * Concurrent consumption of a push consumer (Java
 * `ConsumeMessageConcurrentlyService`): batches run through the listener
 * with bounded concurrency; a failed batch (`RECONSUME_LATER` or a throw) is
 * sent back with CONSUMER_SEND_MSG_BACK (clustering) so that the broker
 * redelivers it through `%RETRY%<group>` or moves it to `%DLQ%<group>`; a
 * message that cannot be sent back is consumed again locally after 5 s.
 *
 * Runs on: main thread
 * @module
 */
import { getLogger, MessageConst } from "../common/mod.ts";
import { Semaphore, sleep } from "./_async.ts";
import type { ClientInstance } from "./client_instance.ts";
import type { MessageModel } from "./heartbeat_data.ts";
import type { MessageView } from "./message.ts";
import { messageQueueKey } from "./message_queue.ts";
import type { MessageQueue } from "./message_queue.ts";
import type { ProcessQueue } from "./process_queue.ts";

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

/** What the push consumer gives the concurrent service. */
export interface ConcurrentHost {
  readonly instance: ClientInstance;
  readonly group: string;
  readonly messageModel: MessageModel;
  readonly signal: AbortSignal;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly maxReconsumeTimes: number;
  readonly listener: MessageListener;
  /** Records the offset to commit for `mq`. */
  commit(mq: MessageQueue, offset: number): void;
}

/** The concurrent consume tasks of one push consumer. */
export class ConsumeConcurrentlyService {
  readonly #host: ConcurrentHost;
  readonly #limiter: Semaphore;
  readonly #running = new Set<Promise<void>>();

  /** Creates the service. */
  constructor(host: ConcurrentHost) {
    this.#host = host;
    this.#limiter = new Semaphore(host.concurrency);
  }

  /** Splits `messages` into batches and schedules them. */
  submit(mq: MessageQueue, pq: ProcessQueue, messages: readonly MessageView[]): void {
    const size = Math.max(1, this.#host.batchSize);
    for (let i = 0; i < messages.length; i += size) {
      const chunk = messages.slice(i, i + size);
      const task = this.#limiter.run(() => this.#consume(mq, pq, chunk)).catch((cause) => {
        log.error("Consume task failed", { queue: messageQueueKey(mq), cause });
      });
      this.#running.add(task);
      void task.finally(() => this.#running.delete(task));
    }
  }

  /** Waits for every running and queued batch. */
  async shutdown(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }

  /** Runs the listener; a throw counts as `RECONSUME_LATER`. */
  async callListener(messages: MessageView[], context: ConsumeContext): Promise<ConsumeResult> {
    try {
      return (await this.#host.listener(messages, context)) ?? "CONSUME_SUCCESS";
    } catch (cause) {
      log.warn("Listener threw, the messages will be redelivered", {
        group: this.#host.group,
        cause,
      });
      return "RECONSUME_LATER";
    }
  }

  async #consume(mq: MessageQueue, pq: ProcessQueue, messages: MessageView[]): Promise<void> {
    if (pq.dropped) return;
    const context: ConsumeContext = { messageQueue: mq, delayLevelWhenNextConsume: 0 };
    const result = await this.callListener(messages, context);
    let done = messages;
    if (result === "RECONSUME_LATER") {
      const failed = this.#host.messageModel === "CLUSTERING"
        ? await this.#sendBack(messages, context.delayLevelWhenNextConsume)
        : [];
      if (failed.length > 0) {
        done = messages.filter((m) => !failed.includes(m));
        void sleep(RECONSUME_LATER_LOCAL_MS, this.#host.signal).then((slept) => {
          if (slept && !pq.dropped) this.submit(mq, pq, failed);
        });
      }
    }
    const offset = pq.removeMessages(done.map((m) => m.queueOffset));
    if (offset >= 0 && !pq.dropped) this.#host.commit(mq, offset);
  }

  async #sendBack(messages: MessageView[], delayLevel: number): Promise<MessageView[]> {
    const failed: MessageView[] = [];
    for (const m of messages) {
      if (!(await sendMessageBack(this.#host, m, delayLevel))) failed.push(m);
    }
    return failed;
  }
}

/**
 * CONSUMER_SEND_MSG_BACK of `message` (delay level 0 = broker's choice,
 * negative = straight to the dead-letter queue); false when it failed.
 */
export async function sendMessageBack(
  host: Pick<ConcurrentHost, "instance" | "group" | "maxReconsumeTimes">,
  message: MessageView,
  delayLevel: number,
): Promise<boolean> {
  const instance = host.instance;
  try {
    const addr = await instance.findBrokerAddrOrRefresh(message.brokerName, message.topic);
    await instance.api.consumerSendMessageBack(addr, host.group, {
      commitLogOffset: message.commitLogOffset,
      delayLevel,
      originMsgId: message.properties.get(MessageConst.ORIGIN_MESSAGE_ID) ?? message.msgId,
      originTopic: message.topic,
      maxReconsumeTimes: host.maxReconsumeTimes,
      timeoutMs: instance.requestTimeoutMs,
    });
    return true;
  } catch (cause) {
    log.warn("Cannot send message back", { msgId: message.msgId, cause });
    return false;
  }
}
