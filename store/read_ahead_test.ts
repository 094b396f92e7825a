/**
 * Tests of `ReadAhead` (with a counted fake read and a fake clock) and of the
 * facade's read-ahead over a real shard worker: a drain in batches sees every
 * record once and in order, the queue end it reports follows new puts, and a
 * deleted topic's kept answers are not served.
 *
 * Runs on: main thread (tests)
 * @module
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { READ_AHEAD_MAX_ENTRIES, READ_AHEAD_TTL_MS, ReadAhead } from "./read_ahead.ts";
import { MessageStore } from "./message_store.ts";
import { decodeOne, makeRecord, splitRecords, tempDir } from "./_test_util.ts";
import type { GetRequest, GetResult } from "./store_types.ts";

function found(offset: number, count: number, max: number): GetResult {
  return {
    status: "FOUND",
    messages: new Uint8Array(count),
    count,
    nextBeginOffset: offset + count,
    minOffset: 0,
    maxOffset: max,
  };
}

/** A read that answers full batches of a queue ending at `max`, recording each offset read. */
function fakeRead(max: number, reads: number[]) {
  return (req: GetRequest): Promise<GetResult> => {
    reads.push(req.offset);
    return Promise.resolve(found(req.offset, Math.min(req.maxCount, max - req.offset), max));
  };
}

const req = (offset: number): GetRequest => ({ topic: "T", queueId: 1, offset, maxCount: 4 });

Deno.test("ReadAhead reads two batches ahead of a full batch and hands each out once", async () => {
  const reads: number[] = [];
  const ahead = new ReadAhead(32);
  ahead.offer(req(0), found(0, 4, 100), fakeRead(100, reads));
  await Promise.resolve();
  await Promise.resolve();
  deepEqual(reads, [4, 8]);
  equal(ahead.take({ ...req(4), maxCount: 8 }), undefined, "another count is another get");
  equal(ahead.take({ ...req(4), tagsCodes: [7] }), undefined, "another filter is another get");
  const kept = ahead.take(req(4));
  ok(kept !== undefined);
  equal((await kept).nextBeginOffset, 8);
  equal(ahead.take(req(4)), undefined, "an answer is handed out once");
  equal(ahead.size, 1);
});

Deno.test("ReadAhead reads nothing without a full batch behind the answer or for a miss", () => {
  const reads: number[] = [];
  const ahead = new ReadAhead(32);
  ahead.offer(req(0), found(0, 4, 7), fakeRead(7, reads));
  ahead.offer(req(0), { ...found(0, 0, 100), status: "NO_MATCHED_MESSAGE" }, fakeRead(100, reads));
  ahead.offer({ ...req(0), maxCount: 64 }, found(0, 32, 60), fakeRead(60, reads));
  deepEqual(reads, [], "64 asked, capped at 32 per get, only 28 left");
  equal(ahead.size, 0);
});

Deno.test("ReadAhead reports the queue end seen in arrivals, drops old answers and clears", async () => {
  let now = 0;
  const reads: number[] = [];
  const ahead = new ReadAhead(32, () => now);
  ahead.offer(req(0), found(0, 4, 20), fakeRead(20, reads));
  ahead.noteEnd("T", 1, 50);
  ahead.noteEnd("T", 2, 90);
  equal((await ahead.take(req(4))!).maxOffset, 50);
  ahead.offer(req(0), found(0, 4, 20), fakeRead(20, reads));
  now = READ_AHEAD_TTL_MS + 1;
  equal(ahead.take(req(4)), undefined, "too old");
  ahead.offer(req(0), found(0, 4, 20), fakeRead(20, reads));
  ahead.clear();
  equal(ahead.size, 0);
  equal(ahead.take(req(4)), undefined);
});

Deno.test("ReadAhead keeps at most READ_AHEAD_MAX_ENTRIES answers and reads no more until one expires", () => {
  let now = 0;
  const reads: number[] = [];
  const ahead = new ReadAhead(32, () => now);
  const never = (r: GetRequest) => {
    reads.push(r.queueId);
    return new Promise<GetResult>(() => {});
  };
  const offer = (q: number) => ahead.offer({ ...req(0), queueId: q }, found(0, 4, 100), never);
  for (let q = 0; q < READ_AHEAD_MAX_ENTRIES + 3; q++) offer(q);
  equal(ahead.size, READ_AHEAD_MAX_ENTRIES);
  equal(reads.length, READ_AHEAD_MAX_ENTRIES, "no read for an answer that cannot be kept");
  ok(ahead.take({ ...req(4), queueId: 0 }) !== undefined, "kept answers are not evicted");
  offer(1000);
  ok(ahead.take({ ...req(4), queueId: 1000 }) !== undefined, "a taken answer made room");
  for (let q = 2000; q < 2003; q++) offer(q);
  equal(reads.length, READ_AHEAD_MAX_ENTRIES + 2);
  now = READ_AHEAD_TTL_MS + 1;
  offer(3000);
  equal(ahead.size, 1, "expired answers went to make room");
  ok(ahead.take({ ...req(4), queueId: 3000 }) !== undefined);
});

Deno.test("MessageStore drains a backlog in batches through the read-ahead: every record once, in order", async () => {
  const dir = tempDir();
  const store = await MessageStore.open({ config: { storePathRootDir: dir, shardCount: 1 } });
  const put = (i: number) =>
    store.putMessage({
      topic: "RA",
      queueId: 0,
      records: makeRecord({ topic: "RA", queueId: 0, body: `m${i}` }),
    });
  try {
    for (let i = 0; i < 100; i++) await put(i);
    const bodies: string[] = [];
    let offset = 0;
    for (let round = 0; round < 50 && offset < 100; round++) {
      const r = await store.getMessage({ topic: "RA", queueId: 0, offset, maxCount: 8 });
      equal(r.status, "FOUND");
      for (const rec of splitRecords(r.messages)) {
        const msg = decodeOne(rec);
        equal(msg.queueOffset, bodies.length);
        bodies.push(new TextDecoder().decode(msg.body));
      }
      offset = r.nextBeginOffset;
      if (offset === 40) {
        for (let i = 100; i < 110; i++) await put(i);
      }
      if (offset >= 48) equal(r.maxOffset, 110, "the end follows puts made after the read");
    }
    deepEqual(bodies.slice(0, 100), Array.from({ length: 100 }, (_, i) => `m${i}`));
    // Kept answers of a deleted topic are not served for its new records.
    await store.getMessage({ topic: "RA", queueId: 0, offset: 0, maxCount: 8 });
    await store.deleteTopics(["RA"]);
    await store.putMessage({
      topic: "RA",
      queueId: 0,
      records: makeRecord({ topic: "RA", queueId: 0, body: "new" }),
    });
    const after = await store.getMessage({ topic: "RA", queueId: 0, offset: 8, maxCount: 8 });
    equal(after.count, 0, `${after.status}: nothing at offset 8 of the new queue`);
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
