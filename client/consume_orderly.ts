/**
 * Orderly consumption of a push consumer (Java
 * `ConsumeMessageOrderlyService`): one loop per queue hands messages to the
 * listener strictly in queue-offset order, one batch at a time, only while
 * the queue's broker lock is held. A batch that fails (the listener throws or
 * returns `SUSPEND_CURRENT_QUEUE_A_MOMENT`) is not skipped: the queue pauses
 * and the same messages come again, their `reconsumeTimes` counted up, until
 * a message has failed `maxReconsumeTimes` times; then it goes to the
 * dead-letter queue and the queue moves on.
 *
 * Runs on: main thread
 * @module
 */
import { getLogger } from "../common/mod.ts";
import { sleep } from "./_async.ts";
import type { MessageView } from "./message.ts";
import { messageQueueKey } from "./message_queue.ts";
import type { MessageQueue } from "./message_queue.ts";
import type { ProcessQueue } from "./process_queue.ts";

const log = getLogger("client.orderly");

/** Wait before trying again a queue whose lock is not held (Java retries in 10 ms to 3 s). */
const RELOCK_DELAY_MS = 500;
/** Bounds of the pause after a failed batch (Java clamps `suspendCurrentQueueTimeMillis` alike). */
const SUSPEND_MIN_MS = 10;
const SUSPEND_MAX_MS = 30_000;

/** What an orderly listener says about a batch. */
export type ConsumeOrderlyStatus = "SUCCESS" | "SUSPEND_CURRENT_QUEUE_A_MOMENT";

/** Context of one orderly listener call. */
export interface ConsumeOrderlyContext {
  /** The queue the batch came from. */
  readonly messageQueue: MessageQueue;
  /** Pause before the batch comes again after a failure (default 1000 ms). */
  suspendCurrentQueueTimeMillis: number;
}

/**
 * Consumes a batch in order; return `SUSPEND_CURRENT_QUEUE_A_MOMENT` or throw
 * to get the same batch again after a pause (nothing or `SUCCESS` = done).
 */
export type MessageListenerOrderly = (
  messages: MessageView[],
  context: ConsumeOrderlyContext,
) => ConsumeOrderlyStatus | void | Promise<ConsumeOrderlyStatus | void>;

/** What the push consumer gives the orderly service. */
export interface OrderlyHost {
  readonly group: string;
  readonly signal: AbortSignal;
  /** Messages per listener call. */
  readonly batchSize: number;
  /** Failures of one message before it goes to the dead-letter queue. */
  readonly maxReconsumeTimes: number;
  /** Default pause after a failed batch. */
  readonly suspendMs: number;
  readonly listener: MessageListenerOrderly;
  /** Whether `mq` may be consumed now (its lock is held and fresh; always true in broadcasting). */
  lockValid(mq: MessageQueue): boolean;
  /** Tries to (re)take `mq`'s lock. */
  relock(mq: MessageQueue): Promise<boolean>;
  /** Hands a message that failed too often to the dead-letter queue; false when that failed. */
  sendToDeadLetter(message: MessageView): Promise<boolean>;
  /** Records the offset to commit for `mq`. */
  commit(mq: MessageQueue, offset: number): void;
}

interface OrderlyQueue {
  readonly mq: MessageQueue;
  readonly pq: ProcessQueue;
  /** Messages not yet consumed, by queue offset. */
  readonly buffer: Map<number, MessageView>;
  loop: Promise<void> | undefined;
}

/** The orderly consume loops of one push consumer. */
export class ConsumeOrderlyService {
  readonly #host: OrderlyHost;
  readonly #queues = new Map<string, OrderlyQueue>();

  /** Creates the service; loops start as messages arrive. */
  constructor(host: OrderlyHost) {
    this.#host = host;
  }

  /** Messages pulled from `mq` (already in `pq`); starts the queue's loop when idle. */
  submit(mq: MessageQueue, pq: ProcessQueue, messages: readonly MessageView[]): void {
    const key = messageQueueKey(mq);
    let queue = this.#queues.get(key);
    if (queue === undefined || queue.pq !== pq) {
      queue = { mq, pq, buffer: new Map(), loop: undefined };
      this.#queues.set(key, queue);
    }
    for (const m of messages) {
      if (!queue.buffer.has(m.queueOffset)) queue.buffer.set(m.queueOffset, m);
    }
    if (queue.loop === undefined) {
      const q = queue;
      q.loop = this.#run(q).catch((cause) => {
        log.error("Orderly consume loop failed", { queue: key, cause });
      }).finally(() => {
        q.loop = undefined;
        // Messages may have arrived while the loop was finishing.
        if (q.buffer.size > 0 && !q.pq.dropped && !this.#host.signal.aborted) {
          this.submit(q.mq, q.pq, []);
        }
      });
    }
  }

  /** Unconsumed messages buffered for `mq`. */
  bufferedCount(mq: MessageQueue): number {
    return this.#queues.get(messageQueueKey(mq))?.buffer.size ?? 0;
  }

  /** Waits for `mq`'s loop (its `pq` must be dropped first) and forgets the queue. */
  async stopQueue(mq: MessageQueue): Promise<void> {
    const key = messageQueueKey(mq);
    const queue = this.#queues.get(key);
    if (queue === undefined) return;
    while (queue.loop !== undefined) await queue.loop;
    if (this.#queues.get(key) === queue) this.#queues.delete(key);
  }

  /** Waits for every loop (the consumer aborted its signal first). */
  async shutdown(): Promise<void> {
    for (const queue of [...this.#queues.values()]) {
      while (queue.loop !== undefined) await queue.loop;
    }
    this.#queues.clear();
  }

  #stopped(queue: OrderlyQueue): boolean {
    return queue.pq.dropped || this.#host.signal.aborted;
  }

  async #run(queue: OrderlyQueue): Promise<void> {
    const host = this.#host;
    while (!this.#stopped(queue)) {
      if (!host.lockValid(queue.mq) && !(await host.relock(queue.mq))) {
        await sleep(RELOCK_DELAY_MS, host.signal);
        continue;
      }
      const batch = [...queue.buffer.keys()].sort((a, b) => a - b).slice(0, host.batchSize)
        .map((offset) => queue.buffer.get(offset)!);
      if (batch.length === 0) return;
      const context: ConsumeOrderlyContext = {
        messageQueue: queue.mq,
        suspendCurrentQueueTimeMillis: host.suspendMs,
      };
      const status = await this.#callListener(batch, context);
      // A queue taken away meanwhile commits nothing: its next owner starts from the last commit.
      if (this.#stopped(queue)) return;
      let done = batch;
      if (status === "SUSPEND_CURRENT_QUEUE_A_MOMENT") {
        done = await this.#deadLetters(queue, batch);
        if (done.length < batch.length) {
          this.#acknowledge(queue, done);
          const pause = Math.min(
            SUSPEND_MAX_MS,
            Math.max(SUSPEND_MIN_MS, context.suspendCurrentQueueTimeMillis),
          );
          await sleep(pause, host.signal);
          continue;
        }
      }
      this.#acknowledge(queue, done);
    }
  }

  async #callListener(
    batch: MessageView[],
    context: ConsumeOrderlyContext,
  ): Promise<ConsumeOrderlyStatus> {
    try {
      return (await this.#host.listener(batch, context)) ?? "SUCCESS";
    } catch (cause) {
      log.warn("Orderly listener threw, the queue is suspended", {
        group: this.#host.group,
        queue: messageQueueKey(context.messageQueue),
        cause,
      });
      return "SUSPEND_CURRENT_QUEUE_A_MOMENT";
    }
  }

  /**
   * Java `checkReconsumeTimes`: messages that failed `maxReconsumeTimes`
   * times go to the dead-letter queue (returned, to be acknowledged); the
   * others stay buffered with `reconsumeTimes + 1`.
   */
  async #deadLetters(queue: OrderlyQueue, batch: MessageView[]): Promise<MessageView[]> {
    const gone: MessageView[] = [];
    for (const m of batch) {
      if (
        m.reconsumeTimes >= this.#host.maxReconsumeTimes && await this.#host.sendToDeadLetter(m)
      ) {
        gone.push(m);
        continue;
      }
      queue.buffer.set(m.queueOffset, { ...m, reconsumeTimes: m.reconsumeTimes + 1 });
    }
    return gone;
  }

  #acknowledge(queue: OrderlyQueue, messages: readonly MessageView[]): void {
    if (messages.length === 0) return;
    for (const m of messages) queue.buffer.delete(m.queueOffset);
    const offset = queue.pq.removeMessages(messages.map((m) => m.queueOffset));
    if (offset >= 0) this.#host.commit(queue.mq, offset);
  }
}
