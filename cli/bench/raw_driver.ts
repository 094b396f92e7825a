/**
 * Benchmark drivers on hand-built frames through `RemotingClient`: a sender
 * of SEND_MESSAGE_V2 requests (binary ROCKETMQ header, round robin over the
 * topic's writable queues, no route refresh, no retry, no compression) and a
 * consumer that long-polls PULL_MESSAGE on every queue and reads records with
 * `readRecordSummary` (no body copy, no property decode). They cost the
 * benchmark process far less CPU per message than `Producer` /
 * `PushConsumer`, so on a 2-vCPU machine more of the CPU is left to the broker.
 *
 * Runs on: main thread
 * @module
 */
import { readRecordSummary } from "../../common/mod.ts";
import { createRequest, RemotingClient, RequestCode, ResponseCode } from "../../remoting/mod.ts";
import type { BenchOptions } from "./bench_args.ts";
import type { BenchTarget, TargetQueue } from "./bench_target.ts";
import type { ConsumeDriver, DeliveryHandler, SendDriver } from "./client_driver.ts";

const PROPERTIES = "WAIT\u0001true\u0002";
const PULL_SYS_FLAG = 2 | 4; // FLAG_SUSPEND | FLAG_SUBSCRIPTION
const PULL_BATCH = 32;
const SUSPEND_MS = 1000;

/** A SEND_MESSAGE_V2 sender over one `RemotingClient`. */
export function rawSendDriver(options: BenchOptions, target: BenchTarget): SendDriver {
  const client = new RemotingClient({
    connectTimeoutMs: options.timeoutMs,
    requestTimeoutMs: options.timeoutMs,
  });
  const queues = target.queues;
  const producerGroup = `${options.group}_producer`;
  let next = 0;
  return {
    async send(body) {
      const queue = queues[next++ % queues.length]!;
      const request = createRequest(RequestCode.SEND_MESSAGE_V2, {
        serializeType: "ROCKETMQ",
        body,
        extFields: {
          a: producerGroup,
          b: options.topic,
          c: "TBW102",
          d: "4",
          e: String(queue.queueId),
          f: "0",
          g: String(Date.now()),
          h: "0",
          i: PROPERTIES,
          j: "0",
          k: "false",
          m: "false",
        },
      });
      const response = await client.invoke(queue.addr, request, options.timeoutMs);
      if (response.code !== ResponseCode.SUCCESS) {
        throw new Error(`Send answered ${response.code}: ${response.remark ?? ""}`);
      }
    },
    close: () => client.close(),
  };
}

async function startOffset(
  client: RemotingClient,
  queue: TargetQueue,
  options: BenchOptions,
): Promise<number> {
  if (options.from === "first") return 0;
  const response = await client.invoke(
    queue.addr,
    createRequest(RequestCode.GET_MAX_OFFSET, {
      extFields: { topic: options.topic, queueId: String(queue.queueId) },
    }),
    options.timeoutMs,
  );
  return Number(response.extFields?.["offset"] ?? 0);
}

function deliver(body: Uint8Array, onDelivery: DeliveryHandler): void {
  let offset = 0;
  for (let round = 0; offset < body.length && round < 100_000; round++) {
    const record = readRecordSummary(body, offset);
    if (record === "blank" || record === "invalid") return;
    const start = record.bodyOffset;
    onDelivery(body.subarray(start, start + record.bodyLength), record.bornTimestamp);
    offset += record.totalSize;
  }
}

async function pullLoop(
  client: RemotingClient,
  queue: TargetQueue,
  options: BenchOptions,
  state: { closed: boolean; owned: number },
  onDelivery: DeliveryHandler,
): Promise<void> {
  let offset = await startOffset(client, queue, options);
  state.owned++;
  // Each round is one pull; the loop ends when close() sets state.closed.
  for (let round = 0; !state.closed && round < Number.MAX_SAFE_INTEGER; round++) {
    const request = createRequest(RequestCode.PULL_MESSAGE, {
      serializeType: "ROCKETMQ",
      extFields: {
        consumerGroup: options.group,
        topic: options.topic,
        queueId: String(queue.queueId),
        queueOffset: String(offset),
        maxMsgNums: String(PULL_BATCH),
        sysFlag: String(PULL_SYS_FLAG),
        commitOffset: "0",
        suspendTimeoutMillis: String(SUSPEND_MS),
        subscription: "*",
        subVersion: "0",
        expressionType: "TAG",
      },
    });
    let response;
    try {
      response = await client.invoke(queue.addr, request, SUSPEND_MS + options.timeoutMs);
    } catch (error) {
      if (state.closed) return;
      throw error;
    }
    const nextOffset = Number(response.extFields?.["nextBeginOffset"] ?? offset);
    if (response.code === ResponseCode.SUCCESS && response.body !== undefined) {
      deliver(response.body, onDelivery);
    }
    if (Number.isSafeInteger(nextOffset)) offset = nextOffset;
  }
}

/** A PULL_MESSAGE consumer of every queue of the topic (no group rebalance, no offset commit). */
export function rawConsumeDriver(
  options: BenchOptions,
  target: BenchTarget,
  onDelivery: DeliveryHandler,
): Promise<ConsumeDriver> {
  const client = new RemotingClient({
    connectTimeoutMs: options.timeoutMs,
    requestTimeoutMs: options.timeoutMs,
  });
  const state = { closed: false, owned: 0 };
  const loops = target.queues.map((queue) =>
    pullLoop(client, queue, options, state, onDelivery).catch((error) => {
      if (!state.closed) throw error;
    })
  );
  let failure: unknown;
  for (const loop of loops) loop.catch((error) => failure ??= error);
  return Promise.resolve({
    async ready(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (let round = 0; round < 10_000 && performance.now() < deadline; round++) {
        if (failure !== undefined) throw failure;
        if (state.owned === target.queues.length) return true;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return false;
    },
    async close() {
      state.closed = true;
      await client.close();
      await Promise.allSettled(loops);
    },
  });
}
