/**
 * ProcessQueue bookkeeping: counts, bytes and the commit offset with
 * out-of-order acknowledgements.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { ProcessQueue } from "./process_queue.ts";

const entry = (queueOffset: number, bodySize = 10) => ({ queueOffset, bodySize });

Deno.test("ProcessQueue.commitOffset() stays at the smallest unacknowledged offset when acks come out of order", () => {
  const pq = new ProcessQueue();
  assert.equal(pq.commitOffset(), -1);
  assert.equal(pq.putMessages([entry(5), entry(6), entry(7)]), 3);
  assert.equal(pq.messageCount, 3);
  assert.equal(pq.messageBytes, 30);
  assert.equal(pq.offsetSpan, 2);
  assert.equal(pq.removeMessages([6]), 5);
  assert.equal(pq.removeMessages([5]), 7);
  assert.equal(pq.removeMessages([7]), 8);
  assert.equal(pq.messageCount, 0);
  assert.equal(pq.messageBytes, 0);
});

Deno.test("ProcessQueue.putMessages() ignores duplicates and offsets already acknowledged", () => {
  const pq = new ProcessQueue();
  pq.putMessages([entry(0), entry(1)]);
  assert.equal(pq.putMessages([entry(1)]), 0);
  pq.removeMessages([0, 1]);
  assert.equal(pq.putMessages([entry(1)]), 0);
  assert.equal(pq.putMessages([entry(2)]), 1);
  assert.equal(pq.commitOffset(), 2);
});

Deno.test("ProcessQueue.clear() forgets in-flight messages and drop() marks the queue", () => {
  const pq = new ProcessQueue();
  pq.putMessages([entry(3)]);
  pq.clear();
  assert.equal(pq.commitOffset(), -1);
  assert.equal(pq.dropped, false);
  pq.drop();
  assert.equal(pq.dropped, true);
});
