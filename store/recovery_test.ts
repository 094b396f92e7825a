/**
 * Recovery tests of the shard engine in-process: a crash image with a
 * CRC-bad record after the checkpoint, and consume-queue files deleted
 * behind the store's back. (SIGKILL tests are in tests/fault/.)
 *
 * Runs on: main thread (tests)
 * @module
 */
import { equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { ManualClock, testSeed } from "../common/mod.ts";
import { ShardStore } from "./shard_store.ts";
import { config, decodeOne, FaultyFileIO, makeRecord, put, tempDir } from "./_test_util.ts";

/** Copies a live store folder: the image a crash would leave (abort file included). */
function crashImage(dir: string): string {
  const copy = tempDir("store_crash_");
  const walk = (from: string, to: string) => {
    for (const entry of Deno.readDirSync(from)) {
      if (entry.isDirectory) {
        Deno.mkdirSync(`${to}/${entry.name}`, { recursive: true });
        walk(`${from}/${entry.name}`, `${to}/${entry.name}`);
      } else Deno.copyFileSync(`${from}/${entry.name}`, `${to}/${entry.name}`);
    }
  };
  walk(dir, copy);
  return copy;
}

Deno.test("ShardStore.open() after a crash cuts at a CRC-bad record and re-dispatches the rest", () => {
  const dir = tempDir();
  const store = ShardStore.open({ config: config(dir), shard: 0 });
  const offsets: number[] = [];
  for (let i = 0; i < 20; i++) {
    offsets.push(
      put(store, "T", 0, [makeRecord({ topic: "T", body: `m${i}`, uniqKey: `U${i}` })])
        .physicalOffsets[0]!,
    );
    if (i === 9) store.flush();
  }
  const image = crashImage(dir);
  store.close();
  Deno.removeSync(dir, { recursive: true });
  const segPath = `${image}/shard-0/commitlog/${"0".padStart(20, "0")}`;
  const bytes = Deno.readFileSync(segPath);
  bytes[offsets[15]! + 88] = bytes[offsets[15]! + 88]! ^ 0x01; // a body byte: BODYCRC no longer matches
  Deno.writeFileSync(segPath, bytes);
  const again = ShardStore.open({ config: config(image), shard: 0 });
  try {
    equal(again.stats().recovery, "crash");
    equal(again.getMaxOffsetInQueue("T", 0), 15);
    equal(again.stats().commitLogMaxOffset, offsets[15]);
    const got = again.getMessage({ topic: "T", queueId: 0, offset: 0, maxCount: 32 });
    equal(got.count, 15);
    equal(
      again.queryMessage({ topic: "T", key: "U12", begin: 0, end: Number.MAX_SAFE_INTEGER })
        .physicalOffsets.length,
      1,
    );
    equal(
      again.queryMessage({ topic: "T", key: "U17", begin: 0, end: Number.MAX_SAFE_INTEGER })
        .physicalOffsets.length,
      0,
    );
    const next = put(again, "T", 0, [makeRecord({ topic: "T" })]);
    equal(next.queueOffset, 15);
    equal(next.physicalOffsets[0], offsets[15]);
  } finally {
    again.close();
    Deno.removeSync(image, { recursive: true });
  }
});

Deno.test("ShardStore.open() rebuilds a consume queue whose files were deleted", () => {
  const dir = tempDir();
  let store = ShardStore.open({ config: config(dir), shard: 0 });
  for (let i = 0; i < 250; i++) {
    put(store, "T", i % 2, [makeRecord({ topic: "T", queueId: i % 2 })]);
  }
  store.close();
  Deno.removeSync(`${dir}/shard-0/consumequeue/T/1`, { recursive: true });
  Deno.removeSync(`${dir}/shard-0/consumequeue/T/0/${"2000".padStart(20, "0")}`);
  store = ShardStore.open({ config: config(dir), shard: 0 });
  try {
    equal(store.getMaxOffsetInQueue("T", 0), 125);
    equal(store.getMaxOffsetInQueue("T", 1), 125);
    const got = store.getMessage({ topic: "T", queueId: 1, offset: 120, maxCount: 32 });
    equal(got.count, 5);
    const mid = store.getMessage({ topic: "T", queueId: 0, offset: 100, maxCount: 1 });
    equal(decodeOne(mid.messages).queueOffset, 100);
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("ShardStore.open() after a truncation at any offset keeps exactly the whole records before it", () => {
  // Property: cutting the log anywhere leaves a store that serves every record wholly before the cut
  // and nothing after it, and accepts the next put at the cut. Seeded; SEED replays.
  const seed = testSeed();
  const dir = tempDir();
  const store = ShardStore.open({ config: config(dir), shard: 0 });
  for (let i = 0; i < 40; i++) {
    put(store, "T", 0, [makeRecord({ topic: "T", body: new Uint8Array(100 + i * 37) })]);
  }
  const total = store.stats().commitLogMaxOffset;
  store.close();
  const segment = `${dir}/shard-0/commitlog/${"0".padStart(20, "0")}`;
  const original = Deno.readFileSync(segment);
  try {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: total }), (cut) => {
        const image = `${dir}-cut`;
        Deno.mkdirSync(`${image}/shard-0/commitlog`, { recursive: true });
        Deno.writeFileSync(
          `${image}/shard-0/commitlog/${"0".padStart(20, "0")}`,
          original.subarray(0, cut),
        );
        const again = ShardStore.open({ config: config(image), shard: 0 });
        try {
          const max = again.getMaxOffsetInQueue("T", 0);
          let end = 0;
          for (let i = 0; i < max; i++) {
            const got = again.getMessage({ topic: "T", queueId: 0, offset: i, maxCount: 1 });
            equal(got.status, "FOUND");
            const m = decodeOne(got.messages);
            equal(m.queueOffset, i);
            end = m.commitLogOffset + got.messages.length;
          }
          ok(end <= cut, "nothing past the cut is visible");
          const next = put(again, "T", 0, [makeRecord({ topic: "T" })]);
          equal(next.queueOffset, max);
          equal(
            next.physicalOffsets[0],
            end,
            "the next put starts where the last whole record ended",
          );
        } finally {
          again.close();
          Deno.removeSync(image, { recursive: true });
        }
      }),
      { seed, numRuns: 40 },
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("ShardStore.putBatch() answers FLUSH_DISK_TIMEOUT when the SYNC_FLUSH fdatasync is too slow", () => {
  const dir = tempDir();
  const clock = new ManualClock(1_700_000_000_000);
  const io = new FaultyFileIO();
  const store = ShardStore.open({
    config: config(dir, { flushDiskType: "SYNC_FLUSH" }),
    shard: 0,
    io,
    clock,
  });
  try {
    equal(put(store, "T", 0, [makeRecord({ topic: "T" })]).status, "PUT_OK");
    io.onSync = () => clock.advance(6000);
    const slow = put(store, "T", 0, [makeRecord({ topic: "T" })]);
    equal(slow.status, "FLUSH_DISK_TIMEOUT");
    equal(slow.queueOffset, 1, "the record is stored anyway");
    io.onSync = undefined;
    equal(store.getMaxOffsetInQueue("T", 0), 2);
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
