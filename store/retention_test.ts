/**
 * Retention tests with an injected clock and an injected disk-use ratio:
 * expired segments go only at the `deleteWhen` hour, at any hour above the
 * watermark, unexpired ones above the force ratio; consume-queue min offsets
 * follow; above the warning ratio puts are refused.
 *
 * Runs on: main thread (tests)
 * @module
 */
import { equal, ok } from "node:assert/strict";
import { ManualClock } from "../common/mod.ts";
import { ShardStore } from "./shard_store.ts";
import { resolveStoreConfig } from "./store_config.ts";
import { concat, FaultyFileIO, makeRecord, tempDir } from "./_test_util.ts";

const HOUR = 3_600_000;

function setup(deleteWhen: string) {
  const dir = tempDir();
  const io = new FaultyFileIO();
  io.usedRatio = 0.1;
  // Start the fake clock at the real time so file mtimes and the clock agree.
  const clock = new ManualClock(Date.now());
  const config = resolveStoreConfig({
    storePathRootDir: dir,
    mappedFileSizeCommitLog: 32 * 1024,
    mappedFileSizeConsumeQueue: 20 * 50,
    maxMessageSize: 8 * 1024,
    maxHashSlotNum: 64,
    maxIndexNum: 5,
    fileReservedTime: 48,
    deleteWhen,
    shardCount: 1,
  });
  const store = ShardStore.open({ config, shard: 0, io, clock });
  const body = new Uint8Array(2000);
  for (let i = 0; i < 100; i++) {
    const bytes = concat([makeRecord({ topic: "T", body, uniqKey: `U${i}` })]);
    const r = store.putBatch(bytes, [{
      topic: "T",
      queueId: 0,
      byteOffset: 0,
      byteLength: bytes.length,
      wait: true,
    }]);
    equal(r.results[0]!.status, "PUT_OK");
  }
  return { dir, io, clock, store };
}

function hourOf(ms: number): string {
  return String(new Date(ms).getHours()).padStart(2, "0");
}

Deno.test("ShardStore.runRetention() deletes expired segments only at the deleteWhen hour", () => {
  const now = Date.now();
  const { dir, clock, store } = setup(hourOf(now + 54 * HOUR));
  try {
    const segments = store.stats();
    equal(store.runRetention(), 0, "nothing is expired yet");
    clock.advance(49 * HOUR);
    equal(store.runRetention(), 0, "expired, but not the deleteWhen hour");
    clock.advance(5 * HOUR);
    const deleted = store.runRetention();
    ok(deleted > 0, "expired segments are deleted at the deleteWhen hour");
    const stats = store.stats();
    ok(stats.commitLogMinOffset > segments.commitLogMinOffset);
    const min = store.getMinOffsetInQueue("T", 0);
    ok(min > 0, "the consume-queue min offset follows the commit log");
    const tooSmall = store.getMessage({ topic: "T", queueId: 0, offset: 0, maxCount: 1 });
    equal(tooSmall.status, "OFFSET_TOO_SMALL");
    equal(tooSmall.nextBeginOffset, min);
    equal(store.getMessage({ topic: "T", queueId: 0, offset: min, maxCount: 1 }).status, "FOUND");
    equal(store.getMaxOffsetInQueue("T", 0), 100);
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("ShardStore.runRetention() follows the disk watermarks and refuses puts above the warning level", () => {
  const now = Date.now();
  const { dir, io, clock, store } = setup(hourOf(now + 12 * HOUR));
  try {
    io.usedRatio = 0.8; // above diskMaxUsedSpaceRatio (75): expired files go at any hour
    equal(store.runRetention(), 0, "nothing expired yet");
    clock.advance(49 * HOUR);
    const deletedExpired = store.runRetention();
    ok(deletedExpired > 0);
    equal(store.stats().segmentsDeleted, deletedExpired);
    io.usedRatio = 0.95; // above diskSpaceWarningLevelRatio (90)
    store.runRetention();
    const bytes = makeRecord({ topic: "T" });
    const refused = store.putBatch(bytes, [{
      topic: "T",
      queueId: 0,
      byteOffset: 0,
      byteLength: bytes.length,
      wait: true,
    }]);
    equal(refused.results[0]!.status, "DISK_FULL");
    io.usedRatio = 0.5;
    store.runRetention();
    const ok2 = store.putBatch(bytes, [{
      topic: "T",
      queueId: 0,
      byteOffset: 0,
      byteLength: bytes.length,
      wait: true,
    }]);
    equal(ok2.results[0]!.status, "PUT_OK");
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("ShardStore.runRetention() deletes unexpired segments above the force ratio but never the active one", () => {
  const { dir, io, store } = setup("04");
  try {
    io.usedRatio = 0.87;
    let total = 0;
    for (let i = 0; i < 20; i++) total += store.runRetention();
    ok(total > 0);
    const stats = store.stats();
    ok(
      stats.commitLogMaxOffset - stats.commitLogMinOffset <= 32 * 1024,
      "only the active segment remains",
    );
    equal(store.getMaxOffsetInQueue("T", 0), 100);
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
