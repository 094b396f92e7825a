/**
 * The benchmark drivers: what sends and what receives. `SendDriver` and
 * `ConsumeDriver` are the seams; this file implements them with our own
 * client (`Producer` and `PushConsumer` from `client/mod.ts`), the way
 * RocketMQ's benchmark `Producer` / `Consumer` use `DefaultMQProducer` /
 * `DefaultMQPushConsumer`. `raw_driver.ts` implements them with hand-built
 * frames.
 *
 * Runs on: main thread
 * @module
 */
import { Producer, PushConsumer } from "../../client/mod.ts";
import { MESSAGE_MAX_BYTES } from "../../common/mod.ts";
import type { BenchOptions } from "./bench_args.ts";
import type { BenchTarget } from "./bench_target.ts";

/** Sends one message; resolves when the broker answered SEND_OK, throws otherwise. */
export interface SendDriver {
  send(body: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Called for each delivered message with its body and born timestamp (epoch ms). */
export type DeliveryHandler = (body: Uint8Array, bornTimestampMs: number) => void;

/** A running consumer. */
export interface ConsumeDriver {
  /** Resolves once the consumer owns at least one queue (or `timeoutMs` passed). */
  ready(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

function clientOptions(options: BenchOptions, role: string) {
  return {
    namesrvAddr: options.namesrvAddr,
    instanceName: `mqbench-${role}-${Deno.pid}`,
    requestTimeoutMs: options.timeoutMs,
  };
}

/** A `Producer` of group `<group>_producer`; compression off so bodies stay their size. */
export async function clientSendDriver(options: BenchOptions): Promise<SendDriver> {
  const producer = new Producer({
    ...clientOptions(options, "producer"),
    groupName: `${options.group}_producer`,
    sendTimeoutMs: options.timeoutMs,
    compressBodyOverBytes: MESSAGE_MAX_BYTES + 1,
    retryTimesWhenSendFailed: 0,
  });
  await producer.start();
  const topic = options.topic;
  return {
    async send(body) {
      const result = await producer.send({ topic, body });
      if (result.status !== "SEND_OK") throw new Error(`Send status ${result.status}`);
    },
    close: () => producer.shutdown(),
  };
}

/** A `PushConsumer` (batches of up to 32, Java's pull batch size) handing every message on. */
export async function clientConsumeDriver(
  options: BenchOptions,
  _target: BenchTarget,
  onDelivery: DeliveryHandler,
): Promise<ConsumeDriver> {
  const consumer = new PushConsumer({
    ...clientOptions(options, "consumer"),
    groupName: options.group,
    consumeFromWhere: options.from === "first"
      ? "CONSUME_FROM_FIRST_OFFSET"
      : "CONSUME_FROM_LAST_OFFSET",
    consumeMessageBatchMaxSize: 32,
    pullBatchSize: 32,
    suspendTimeoutMs: 1000,
    listener: (messages) => {
      for (const message of messages) onDelivery(message.body, message.bornTimestamp);
      return "CONSUME_SUCCESS";
    },
  });
  consumer.subscribe(options.topic, "*");
  await consumer.start();
  return {
    async ready(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (let round = 0; round < 10_000 && performance.now() < deadline; round++) {
        if (consumer.assignedQueues().some((q) => q.topic === options.topic)) return true;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return false;
    },
    close: () => consumer.shutdown(),
  };
}
