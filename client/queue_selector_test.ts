/**
 * Queue selectors: hash stability, round robin, avoiding the failed broker.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { SeededRandom } from "../common/mod.ts";
import { RoundRobinQueueSelector, selectByHash, selectRandom } from "./queue_selector.ts";
import type { MessageQueue } from "./message_queue.ts";

const QUEUES: MessageQueue[] = [
  { topic: "T", brokerName: "a", queueId: 0 },
  { topic: "T", brokerName: "a", queueId: 1 },
  { topic: "T", brokerName: "b", queueId: 0 },
  { topic: "T", brokerName: "b", queueId: 1 },
];

Deno.test("selectByHash() picks the same queue for the same argument, as Java hashCode modulo size", () => {
  const first = selectByHash(QUEUES, "order-42");
  assert.equal(selectByHash(QUEUES, "order-42"), first);
  // "a".hashCode() = 97, 97 % 4 = 1.
  assert.equal(selectByHash(QUEUES, "a"), QUEUES[1]);
  assert.throws(() => selectByHash([], 1), RangeError);
});

Deno.test("selectRandom() stays within the queue list", () => {
  const select = selectRandom(new SeededRandom(7));
  for (let i = 0; i < 20; i++) assert.ok(QUEUES.includes(select(QUEUES, undefined)));
});

Deno.test("RoundRobinQueueSelector.select() cycles through queues and avoids the failed broker", () => {
  const rr = new RoundRobinQueueSelector();
  assert.deepEqual([0, 1, 2, 3, 4].map(() => rr.select(QUEUES)), [...QUEUES, QUEUES[0]]);
  for (let i = 0; i < 8; i++) assert.equal(rr.select(QUEUES, "a")?.brokerName, "b");
  const onlyA = QUEUES.slice(0, 2);
  assert.equal(rr.select(onlyA, "a")?.brokerName, "a");
  assert.equal(rr.select([]), undefined);
});
