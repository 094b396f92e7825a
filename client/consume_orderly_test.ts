/**
 * ConsumeOrderlyService with a scripted host: batches in queue-offset order
 * one at a time, a failing batch is suspended and retried (same message,
 * `reconsumeTimes` counted up) instead of skipped, a message that failed
 * `maxReconsumeTimes` times goes to the dead-letter queue and the queue moves
 * on, and nothing is consumed while the lock is not held.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import type { MessageView } from "./message.ts";
import type { MessageQueue } from "./message_queue.ts";
import { ConsumeOrderlyService } from "./consume_orderly.ts";
import type { MessageListenerOrderly, OrderlyHost } from "./consume_orderly.ts";
import { ProcessQueue } from "./process_queue.ts";

const MQ: MessageQueue = { topic: "T", brokerName: "b", queueId: 0 };

function view(queueOffset: number): MessageView {
  return {
    topic: "T",
    body: new TextEncoder().encode(`m${queueOffset}`),
    tags: undefined,
    keys: [],
    properties: new Map(),
    msgId: `id${queueOffset}`,
    offsetMsgId: "",
    brokerName: "b",
    queueId: 0,
    queueOffset,
    commitLogOffset: queueOffset * 100,
    flag: 0,
    sysFlag: 0,
    bornTimestamp: 0,
    bornHost: "",
    storeTimestamp: 0,
    storeHost: "",
    reconsumeTimes: 0,
    storeSize: 0,
  };
}

interface Run {
  commits: number[];
  deadLetters: string[];
  abort: AbortController;
}

function service(
  listener: MessageListenerOrderly,
  overrides: Partial<OrderlyHost> = {},
): { svc: ConsumeOrderlyService; run: Run } {
  const run: Run = { commits: [], deadLetters: [], abort: new AbortController() };
  const svc = new ConsumeOrderlyService({
    group: "g",
    signal: run.abort.signal,
    batchSize: 1,
    maxReconsumeTimes: 2,
    suspendMs: 10,
    listener,
    lockValid: () => true,
    relock: () => Promise.resolve(true),
    sendToDeadLetter: (m) => {
      run.deadLetters.push(m.msgId);
      return Promise.resolve(true);
    },
    commit: (_mq, offset) => run.commits.push(offset),
    ...overrides,
  });
  return { svc, run };
}

function feed(svc: ConsumeOrderlyService, pq: ProcessQueue, offsets: number[]): void {
  const messages = offsets.map(view);
  pq.putMessages(messages.map((m) => ({ queueOffset: m.queueOffset, bodySize: 1 })));
  svc.submit(MQ, pq, messages);
}

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.ok(predicate(), "condition not reached within 1 s");
}

Deno.test("ConsumeOrderlyService.submit() consumes in queue-offset order, one batch at a time", async () => {
  const seen: number[] = [];
  let active = 0;
  let maxActive = 0;
  const { svc, run } = service(async (messages) => {
    active++;
    maxActive = Math.max(maxActive, active);
    await new Promise((resolve) => setTimeout(resolve, 1));
    seen.push(...messages.map((m) => m.queueOffset));
    active--;
  });
  const pq = new ProcessQueue();
  feed(svc, pq, [3, 1, 2, 0]);
  feed(svc, pq, [5, 4]);
  await until(() => seen.length === 6);
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5]);
  assert.equal(maxActive, 1);
  assert.equal(run.commits.at(-1), 6);
  run.abort.abort();
  await svc.shutdown();
});

Deno.test("ConsumeOrderlyService suspends a failing message and retries it before later ones", async () => {
  const seen: string[] = [];
  let failures = 1;
  const { svc, run } = service((messages) => {
    const m = messages[0]!;
    seen.push(`${m.queueOffset}:${m.reconsumeTimes}`);
    if (m.queueOffset === 1 && failures-- > 0) throw new Error("transient");
    return "SUCCESS";
  });
  const pq = new ProcessQueue();
  feed(svc, pq, [0, 1, 2]);
  await until(() => seen.length === 4);
  assert.deepEqual(seen, ["0:0", "1:0", "1:1", "2:0"]);
  assert.deepEqual(run.deadLetters, []);
  assert.deepEqual(run.commits, [1, 2, 3], "no commit past the suspended message");
  run.abort.abort();
  await svc.shutdown();
});

Deno.test("ConsumeOrderlyService sends a message to the dead-letter queue after maxReconsumeTimes", async () => {
  const seen: string[] = [];
  const { svc, run } = service((messages) => {
    const m = messages[0]!;
    seen.push(`${m.queueOffset}:${m.reconsumeTimes}`);
    return m.queueOffset === 0 ? "SUSPEND_CURRENT_QUEUE_A_MOMENT" : "SUCCESS";
  });
  const pq = new ProcessQueue();
  feed(svc, pq, [0, 1]);
  await until(() => seen.length === 4);
  assert.deepEqual(seen, ["0:0", "0:1", "0:2", "1:0"], "1 + maxReconsumeTimes deliveries");
  assert.deepEqual(run.deadLetters, ["id0"]);
  assert.deepEqual(run.commits, [1, 2]);
  run.abort.abort();
  await svc.shutdown();
});

Deno.test("ConsumeOrderlyService consumes nothing while the queue lock is not held", async () => {
  const seen: number[] = [];
  let locked = false;
  let relocks = 0;
  const { svc, run } = service((messages) => {
    seen.push(...messages.map((m) => m.queueOffset));
  }, {
    lockValid: () => locked,
    relock: () => {
      relocks++;
      return Promise.resolve(locked);
    },
  });
  const pq = new ProcessQueue();
  feed(svc, pq, [0]);
  await until(() => relocks >= 1);
  assert.deepEqual(seen, []);
  locked = true;
  await until(() => seen.length === 1);
  run.abort.abort();
  await svc.shutdown();
});

Deno.test("ConsumeOrderlyService.stopQueue() waits for the running batch and commits nothing after a drop", async () => {
  let release: () => void = () => {};
  const { svc, run } = service(() => new Promise<void>((resolve) => (release = resolve)));
  const pq = new ProcessQueue();
  feed(svc, pq, [0, 1]);
  await until(() => svc.bufferedCount(MQ) === 2);
  pq.drop();
  const stopped = svc.stopQueue(MQ);
  release();
  await stopped;
  assert.deepEqual(run.commits, []);
  await svc.shutdown();
});
