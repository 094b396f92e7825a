/**
 * Tests of the allocation strategies: the Java examples, full coverage
 * without overlap for many (queues, consumers) shapes, and stability of the
 * consistent-hash ring when a consumer leaves.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import {
  allocateAveragely,
  allocateAveragelyByCircle,
  allocateByConfig,
  allocateByConsistentHash,
  allocateStrategy,
} from "./allocate_strategy.ts";
import type { AllocateStrategy } from "./allocate_strategy.ts";
import { messageQueueKey } from "./message_queue.ts";
import type { MessageQueue } from "./message_queue.ts";

function queues(count: number, brokers = ["broker-a"]): MessageQueue[] {
  const result: MessageQueue[] = [];
  for (const brokerName of brokers) {
    for (let queueId = 0; queueId < count; queueId++) {
      result.push({ topic: "T", brokerName, queueId });
    }
  }
  return result;
}

function cids(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `127.0.0.1@c${i}`);
}

function ids(list: MessageQueue[]): number[] {
  return list.map((mq) => mq.queueId);
}

function allocateAll(strategy: AllocateStrategy, mqAll: MessageQueue[], cidAll: string[]) {
  return cidAll.map((currentCid) =>
    strategy.allocate({ consumerGroup: "g", currentCid, mqAll, cidAll })
  );
}

Deno.test("allocateAveragely() gives contiguous blocks with the remainder first when 8 queues meet 3 consumers", () => {
  const parts = allocateAll(allocateAveragely, queues(8), cids(3));
  assert.deepEqual(parts.map(ids), [[0, 1, 2], [3, 4, 5], [6, 7]]);
});

Deno.test("allocateAveragely() gives one queue each and nothing to extras when consumers outnumber queues", () => {
  const parts = allocateAll(allocateAveragely, queues(2), cids(4));
  assert.deepEqual(parts.map(ids), [[0], [1], [], []]);
});

Deno.test("allocateAveragelyByCircle() deals queues round robin when 5 queues meet 2 consumers", () => {
  const parts = allocateAll(allocateAveragelyByCircle, queues(5), cids(2));
  assert.deepEqual(parts.map(ids), [[0, 2, 4], [1, 3]]);
});

Deno.test("allocate strategies return nothing when this client is not in the consumer list", () => {
  for (
    const strategy of [allocateAveragely, allocateAveragelyByCircle, allocateByConsistentHash()]
  ) {
    const got = strategy.allocate({
      consumerGroup: "g",
      currentCid: "stranger",
      mqAll: queues(4),
      cidAll: cids(2),
    });
    assert.deepEqual(got, [], strategy.name);
  }
});

Deno.test("allocate strategies cover every queue exactly once for many queue and consumer counts", () => {
  const strategies = [allocateAveragely, allocateAveragelyByCircle, allocateByConsistentHash(10)];
  for (const strategy of strategies) {
    for (let q = 0; q <= 17; q++) {
      for (let n = 1; n <= 6; n++) {
        const mqAll = queues(q, ["broker-a", "broker-b"]);
        const parts = allocateAll(strategy, mqAll, cids(n));
        const seen = parts.flat().map(messageQueueKey);
        assert.equal(new Set(seen).size, seen.length, `${strategy.name} q=${q} n=${n} overlap`);
        assert.equal(seen.length, mqAll.length, `${strategy.name} q=${q} n=${n} coverage`);
      }
    }
  }
});

Deno.test("allocateByConsistentHash() moves only the leaving consumer's queues when one of three leaves", () => {
  const mqAll = queues(32, ["broker-a", "broker-b"]);
  const strategy = allocateByConsistentHash();
  const before = allocateAll(strategy, mqAll, cids(3));
  const after = allocateAll(strategy, mqAll, cids(3).slice(0, 2));
  for (let i = 0; i < 2; i++) {
    const kept = new Set(after[i]!.map(messageQueueKey));
    for (const mq of before[i]!) {
      assert.ok(kept.has(messageQueueKey(mq)), "a surviving queue moved");
    }
  }
});

Deno.test("allocateByConfig() returns its fixed list whatever the group", () => {
  const fixed = queues(2);
  const got = allocateByConfig(fixed).allocate({
    consumerGroup: "g",
    currentCid: "x",
    mqAll: queues(8),
    cidAll: ["x", "y"],
  });
  assert.deepEqual(got, fixed);
});

Deno.test("allocateStrategy() returns the strategy named by its Java short name", () => {
  assert.equal(allocateStrategy("AVG").name, "AVG");
  assert.equal(allocateStrategy("AVG_BY_CIRCLE").name, "AVG_BY_CIRCLE");
  assert.equal(allocateStrategy("CONFIG", { queues: [] }).name, "CONFIG");
  assert.equal(allocateStrategy("CONSISTENT_HASH").name, "CONSISTENT_HASH");
  assert.throws(() => allocateByConsistentHash(0), RangeError);
});
