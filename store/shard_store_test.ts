/**
 * Tests of the shard engine in-process: puts and gets with every status,
 * segment roll-over with the blank marker, consume-queue and index lookups,
 * offset by time, clean restarts, disk full, transactions.
 *
 * Runs on: main thread (tests)
 * @module
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { ManualClock, tagsHashCode } from "../common/mod.ts";
import { ShardStore } from "./shard_store.ts";
import {
  config,
  decodeOne,
  FaultyFileIO,
  makeRecord,
  put,
  splitRecords,
  tempDir,
} from "./_test_util.ts";
import { DiskFullError } from "./file_io.ts";

Deno.test("ShardStore.putBatch() assigns queue and physical offsets and getMessage() returns stored bytes", () => {
  const dir = tempDir();
  const store = ShardStore.open({ config: config(dir), shard: 0 });
  try {
    const r1 = put(store, "T", 0, [makeRecord({ topic: "T", body: "a" })]);
    const r2 = put(store, "T", 0, [
      makeRecord({ topic: "T", body: "b" }),
      makeRecord({ topic: "T", body: "c" }),
    ]);
    equal(r1.status, "PUT_OK");
    equal(r1.queueOffset, 0);
    equal(r2.queueOffset, 1);
    equal(r2.count, 2);
    equal(r1.physicalOffsets[0], 0);
    const got = store.getMessage({ topic: "T", queueId: 0, offset: 0, maxCount: 10 });
    equal(got.status, "FOUND");
    equal(got.count, 3);
    equal(got.nextBeginOffset, 3);
    equal(got.maxOffset, 3);
    const msgs = splitRecords(got.messages).map((b) => decodeOne(b));
    deepEqual(msgs.map((m) => new TextDecoder().decode(m.body)), ["a", "b", "c"]);
    deepEqual(msgs.map((m) => m.queueOffset), [0, 1, 2]);
    deepEqual(msgs.map((m) => m.commitLogOffset), [r1.physicalOffsets[0], ...r2.physicalOffsets]);
    equal(
      store.getMessage({ topic: "T", queueId: 0, offset: 3, maxCount: 1 }).status,
      "OFFSET_OVERFLOW_ONE",
    );
    equal(
      store.getMessage({ topic: "T", queueId: 0, offset: 9, maxCount: 1 }).status,
      "OFFSET_OVERFLOW_BADLY",
    );
    equal(
      store.getMessage({ topic: "U", queueId: 0, offset: 0, maxCount: 1 }).status,
      "NO_MESSAGE_IN_QUEUE",
    );
    const one = store.getMessage({ topic: "T", queueId: 0, offset: 1, maxCount: 1 });
    equal(one.count, 1);
    equal(one.nextBeginOffset, 2);
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("ShardStore.putBatch() rejects a record whose topic or size is wrong with MESSAGE_ILLEGAL", () => {
  const dir = tempDir();
  const store = ShardStore.open({ config: config(dir), shard: 0 });
  try {
    equal(put(store, "T", 0, [makeRecord({ topic: "X" })]).status, "MESSAGE_ILLEGAL");
    equal(put(store, "T", 1, [makeRecord({ topic: "T", queueId: 0 })]).status, "MESSAGE_ILLEGAL");
    equal(
      put(store, "T", 0, [makeRecord({ topic: "T", body: new Uint8Array(20_000) })]).status,
      "MESSAGE_ILLEGAL",
    );
    equal(put(store, "../x", 0, [makeRecord({ topic: "../x" })]).status, "MESSAGE_ILLEGAL");
    equal(store.getMaxOffsetInQueue("T", 0), 0);
    equal(put(store, "T", 0, [makeRecord({ topic: "T" })]).status, "PUT_OK");
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("ShardStore rolls segments with a blank marker and reads across them after a restart", () => {
  const dir = tempDir();
  const body = new Uint8Array(3000).fill(7);
  let store = ShardStore.open({ config: config(dir), shard: 0 });
  const offsets: number[] = [];
  for (let i = 0; i < 60; i++) {
    offsets.push(
      put(store, "T", i % 2, [makeRecord({ topic: "T", queueId: i % 2, body })])
        .physicalOffsets[0]!,
    );
  }
  const files = Deno.readDirSync(`${dir}/shard-0/commitlog`).map((e) => e.name).toArray().sort();
  ok(files.length >= 3, `expected several segments, got ${files}`);
  equal(files[1], String(64 * 1024).padStart(20, "0"));
  for (const off of offsets) equal(Math.floor(off / 65536), Math.floor((off + 3100) / 65536));
  // The blank marker fills the end of the first segment.
  const seg0 = Deno.readFileSync(`${dir}/shard-0/commitlog/${files[0]}`);
  const lastInSeg0 = offsets.filter((o) => o < 65536).at(-1)!;
  const view = new DataView(seg0.buffer);
  const blankAt = lastInSeg0 + view.getInt32(lastInSeg0);
  equal(view.getInt32(blankAt + 4), 0xcbd43194 | 0);
  equal(view.getInt32(blankAt), 65536 - blankAt);
  store.close();
  store = ShardStore.open({ config: config(dir), shard: 0 });
  try {
    equal(store.stats().recovery, "clean");
    equal(store.getMaxOffsetInQueue("T", 0), 30);
    let next = 0;
    let seen = 0;
    for (let i = 0; i < 100 && next < 30; i++) {
      const got = store.getMessage({ topic: "T", queueId: 0, offset: next, maxCount: 4 });
      equal(got.status, "FOUND");
      seen += got.count;
      next = got.nextBeginOffset;
    }
    equal(seen, 30);
    equal(put(store, "T", 0, [makeRecord({ topic: "T", body })]).queueOffset, 30);
    const rec = store.lookMessageByOffset(offsets[5]!);
    ok(rec !== undefined);
    equal(decodeOne(rec).commitLogOffset, offsets[5]);
    equal(store.lookMessageByOffset(offsets[5]! + 1), undefined);
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("ShardStore.getMessage() filters by tag hash and reports NO_MATCHED_MESSAGE", () => {
  const dir = tempDir();
  const store = ShardStore.open({ config: config(dir), shard: 0 });
  try {
    for (let i = 0; i < 10; i++) {
      put(store, "T", 0, [makeRecord({ topic: "T", tags: i % 3 === 0 ? "A" : "B" })]);
    }
    const got = store.getMessage({
      topic: "T",
      queueId: 0,
      offset: 0,
      maxCount: 32,
      tagsCodes: [tagsHashCode("A")],
    });
    equal(got.count, 4);
    equal(got.nextBeginOffset, 10);
    const none = store.getMessage({
      topic: "T",
      queueId: 0,
      offset: 0,
      maxCount: 32,
      tagsCodes: [tagsHashCode("C")],
    });
    equal(none.status, "NO_MATCHED_MESSAGE");
    equal(none.nextBeginOffset, 10);
    const bytesCap = store.getMessage({
      topic: "T",
      queueId: 0,
      offset: 0,
      maxCount: 32,
      maxBytes: 1,
    });
    equal(bytesCap.count, 1);
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("ShardStore.queryMessage() finds records by KEYS and UNIQ_KEY within the time range", () => {
  const dir = tempDir();
  const clock = new ManualClock(1_700_000_000_000);
  const store = ShardStore.open({ config: config(dir), shard: 0, clock });
  try {
    for (let i = 0; i < 30; i++) {
      put(store, "T", 0, [makeRecord({ topic: "T", keys: `k${i % 5} common`, uniqKey: `U${i}` })]);
      clock.advance(1000);
    }
    const byUniq = store.queryMessage({
      topic: "T",
      key: "U7",
      begin: 0,
      end: Number.MAX_SAFE_INTEGER,
    });
    const decoded = splitRecords(byUniq.messages).map((b) => decodeOne(b));
    ok(decoded.some((m) => m.properties.get("UNIQ_KEY") === "U7"));
    const byKey = store.queryMessage({
      topic: "T",
      key: "k2",
      begin: 0,
      end: Number.MAX_SAFE_INTEGER,
    });
    equal(
      splitRecords(byKey.messages).filter((b) =>
        decodeOne(b).properties.get("KEYS")?.startsWith("k2 ")
      ).length,
      6,
    );
    const ranged = store.queryMessage({
      topic: "T",
      key: "common",
      maxNum: 100,
      begin: 1_700_000_010_000,
      end: 1_700_000_019_000,
    });
    equal(ranged.physicalOffsets.length, 10);
    equal(
      store.queryMessage({ topic: "Other", key: "k2", begin: 0, end: Number.MAX_SAFE_INTEGER })
        .physicalOffsets.filter((o) => {
          const m = decodeOne(store.lookMessageByOffset(o)!);
          return m.topic === "Other";
        }).length,
      0,
    );
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("ShardStore.getOffsetInQueueByTime() binary-searches store times", () => {
  const dir = tempDir();
  const clock = new ManualClock(1_000_000);
  const store = ShardStore.open({ config: config(dir), shard: 0, clock });
  try {
    for (let i = 0; i < 50; i++) {
      put(store, "T", 3, [makeRecord({ topic: "T", queueId: 3 })]);
      clock.advance(10);
    }
    equal(store.getOffsetInQueueByTime("T", 3, 0), 0);
    equal(store.getOffsetInQueueByTime("T", 3, 1_000_000), 0);
    equal(store.getOffsetInQueueByTime("T", 3, 1_000_105), 11);
    equal(store.getOffsetInQueueByTime("T", 3, 1_000_110), 11);
    equal(store.getOffsetInQueueByTime("T", 3, 9_000_000), 50);
    equal(store.getEarliestMessageTime("T", 3), 1_000_000);
    equal(store.getMessageStoreTimestamp("T", 3, 4), 1_000_040);
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("ShardStore.putBatch() answers DISK_FULL on a failed write and keeps earlier data readable", () => {
  const dir = tempDir();
  const io = new FaultyFileIO();
  const store = ShardStore.open({ config: config(dir), shard: 0, io });
  try {
    for (let i = 0; i < 5; i++) {
      equal(put(store, "T", 0, [makeRecord({ topic: "T" })]).status, "PUT_OK");
    }
    io.failWrites = new DiskFullError("injected");
    const failed = put(store, "T", 0, [makeRecord({ topic: "T" }), makeRecord({ topic: "T" })]);
    equal(failed.status, "DISK_FULL");
    equal(put(store, "T", 0, [makeRecord({ topic: "T" })]).status, "DISK_FULL");
    equal(store.getMaxOffsetInQueue("T", 0), 5);
    io.failWrites = undefined;
    const got = store.getMessage({ topic: "T", queueId: 0, offset: 0, maxCount: 32 });
    equal(got.count, 5);
    io.usedRatio = 0.1;
    store.runRetention();
    const after = put(store, "T", 0, [makeRecord({ topic: "T" })]);
    equal(after.status, "PUT_OK");
    equal(after.queueOffset, 5);
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("ShardStore.putBatch() rolls a segment in the middle of a batch put and keeps offsets contiguous", () => {
  const dir = tempDir();
  let store = ShardStore.open({ config: config(dir), shard: 0 });
  const body = new Uint8Array(3000).fill(9);
  for (let round = 0; round < 6; round++) {
    const records = Array.from({ length: 10 }, () => makeRecord({ topic: "B", queueId: 2, body }));
    const r = put(store, "B", 2, records);
    equal(r.status, "PUT_OK");
    equal(r.queueOffset, round * 10);
    equal(r.physicalOffsets.length, 10);
    for (const off of r.physicalOffsets) {
      equal(Math.floor(off / 65536), Math.floor((off + 3100) / 65536), "no record spans segments");
    }
  }
  store.close();
  store = ShardStore.open({ config: config(dir), shard: 0 });
  try {
    let next = 0;
    for (let i = 0; i < 100 && next < 60; i++) {
      const got = store.getMessage({ topic: "B", queueId: 2, offset: next, maxCount: 32 });
      for (const [k, rec] of splitRecords(got.messages).entries()) {
        equal(decodeOne(rec).queueOffset, next + k);
      }
      next = got.nextBeginOffset;
    }
    equal(next, 60);
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("ShardStore.putBatch() gives prepared transactional records queue offset 0 and no consume-queue entry", () => {
  const dir = tempDir();
  const store = ShardStore.open({ config: config(dir), shard: 0 });
  try {
    put(store, "H", 0, [makeRecord({ topic: "H" })]);
    const half = put(store, "H", 0, [makeRecord({ topic: "H", sysFlag: 0x4, uniqKey: "TX1" })]);
    equal(half.status, "PUT_OK");
    equal(half.queueOffset, 0);
    equal(store.getMaxOffsetInQueue("H", 0), 1);
    const rec = store.lookMessageByOffset(half.physicalOffsets[0]!);
    ok(rec !== undefined);
    equal(decodeOne(rec).queueOffset, 0);
    equal(
      store.queryMessage({ topic: "H", key: "TX1", begin: 0, end: Number.MAX_SAFE_INTEGER })
        .physicalOffsets.length,
      1,
    );
    equal(put(store, "H", 0, [makeRecord({ topic: "H" })]).queueOffset, 1);
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("ShardStore.queryMessage() searches every index file when the index rolls over", () => {
  const dir = tempDir();
  const clock = new ManualClock(1_700_000_000_000);
  const store = ShardStore.open({ config: config(dir, { maxIndexNum: 7 }), shard: 0, clock });
  try {
    for (let i = 0; i < 40; i++) {
      put(store, "I", 0, [makeRecord({ topic: "I", keys: "shared", uniqKey: `X${i}` })]);
      clock.advance(1000);
    }
    ok(Deno.readDirSync(`${dir}/shard-0/index`).toArray().length >= 10);
    const all = store.queryMessage({
      topic: "I",
      key: "shared",
      maxNum: 64,
      begin: 0,
      end: Number.MAX_SAFE_INTEGER,
    });
    equal(all.physicalOffsets.length, 40);
    equal(new Set(all.physicalOffsets).size, 40);
    const first = store.queryMessage({
      topic: "I",
      key: "X0",
      begin: 0,
      end: Number.MAX_SAFE_INTEGER,
    });
    equal(decodeOne(first.messages).properties.get("UNIQ_KEY"), "X0");
    const capped = store.queryMessage({
      topic: "I",
      key: "shared",
      maxNum: 5,
      begin: 0,
      end: Number.MAX_SAFE_INTEGER,
    });
    equal(capped.physicalOffsets.length, 5);
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("ShardStore.putBatch() takes a batch back when its consume-queue write fails, and close() survives a full disk", () => {
  const dir = tempDir();
  const io = new FaultyFileIO();
  let store = ShardStore.open({ config: config(dir), shard: 0, io });
  for (let i = 0; i < 3; i++) put(store, "T", 0, [makeRecord({ topic: "T", body: `ok${i}` })]);
  const end = store.stats().commitLogMaxOffset;
  io.failWrites = new DiskFullError("injected");
  io.writesBeforeFailure = 1; // the commit-log write passes, the consume-queue write fails
  const refused = put(store, "T", 0, [makeRecord({ topic: "T", body: "gone" })]);
  equal(refused.status, "DISK_FULL");
  equal(store.stats().commitLogMaxOffset, end, "the log is cut back");
  equal(store.getMaxOffsetInQueue("T", 0), 3);
  store.tick(); // periodic work failing on a full disk must not throw
  store.close(); // nor must close; the abort file stays
  ok(Deno.statSync(`${dir}/shard-0/abort`).isFile);
  io.failWrites = undefined;
  store = ShardStore.open({ config: config(dir), shard: 0, io });
  try {
    equal(store.stats().recovery, "crash");
    equal(store.getMaxOffsetInQueue("T", 0), 3);
    const again = put(store, "T", 0, [makeRecord({ topic: "T", body: "ok3" })]);
    equal(again.status, "PUT_OK");
    equal(again.queueOffset, 3);
    equal(again.physicalOffsets[0], end);
    const got = store.getMessage({ topic: "T", queueId: 0, offset: 0, maxCount: 32 });
    deepEqual(splitRecords(got.messages).map((b) => new TextDecoder().decode(decodeOne(b).body)), [
      "ok0",
      "ok1",
      "ok2",
      "ok3",
    ]);
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
