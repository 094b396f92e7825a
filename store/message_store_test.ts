/**
 * Tests of the `MessageStore` facade over real shard workers and in-process
 * shards: routing, batching, arrivals, physical-offset routing, restart.
 *
 * Runs on: main thread (tests)
 * @module
 */
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { ConfigError } from "../common/mod.ts";
import { MessageStore, shardOfQueue } from "./message_store.ts";
import { shardOfOffset } from "./shard_store.ts";
import { decodeOne, makeRecord, splitRecords, tempDir } from "./_test_util.ts";
import type { MessageArrival } from "./store_types.ts";

const small = {
  mappedFileSizeCommitLog: 256 * 1024,
  maxHashSlotNum: 1024,
  maxIndexNum: 4096,
  maxMessageSize: 64 * 1024,
};

/** Lookups by physical offset (valid, inside a record, past the end) and by key. */
async function checkLookups(store: MessageStore, offsets: number[]): Promise<void> {
  const viewed = await store.lookMessageByOffset(offsets[75]!);
  ok(viewed !== undefined);
  equal(decodeOne(viewed).properties.get("UNIQ_KEY"), "K7-5");
  const [many, bad, gone] = await Promise.all([
    Promise.all(offsets.map((o) => store.lookMessageByOffset(o))),
    store.lookMessageByOffset(offsets[75]! + 1),
    store.lookMessageByOffset(offsets[0]! + 10 * 1024 * 1024),
  ]);
  deepEqual(many.map((m) => decodeOne(m!).commitLogOffset), offsets);
  equal(bad, undefined, "an offset inside a record finds nothing");
  equal(gone, undefined, "an offset past the end finds nothing");
  const queried = await store.queryMessage({
    topic: "Topic",
    key: "K3-4",
    begin: 0,
    end: Date.now() + 1000,
  });
  ok(queried.physicalOffsets.includes(offsets[34]!));
}

/** A predicate-filtered get and a two-record batch put on queue 0. */
async function checkFilterAndBatch(store: MessageStore): Promise<void> {
  const filtered = await store.getMessage({
    topic: "Topic",
    queueId: 2,
    offset: 0,
    maxCount: 32,
    filter: (r) => decodeOne(r).body[3] === 0x35,
  });
  equal(filtered.count, 1);
  const batch = await store.putMessage({
    topic: "Topic",
    queueId: 0,
    records: new Uint8Array([
      ...makeRecord({ topic: "Topic" }),
      ...makeRecord({ topic: "Topic" }),
    ]),
  });
  equal(batch.count, 2);
  equal(batch.queueOffset, 10);
}

Deno.test("MessageStore puts and gets through two shard workers with broker-unique physical offsets", async () => {
  const dir = tempDir();
  const store = await MessageStore.open({
    config: { storePathRootDir: dir, shardCount: 2, ...small },
  });
  try {
    const arrivals: MessageArrival[] = [];
    const off = store.onMessageArrived((a) => arrivals.push(a));
    const queues = [0, 1, 2, 3, 4, 5, 6, 7];
    const results = await Promise.all(
      queues.flatMap((q) =>
        Array.from(
          { length: 10 },
          (_, i) =>
            store.putMessage({
              topic: "Topic",
              queueId: q,
              records: makeRecord({
                topic: "Topic",
                queueId: q,
                body: `q${q}-${i}`,
                uniqKey: `K${q}-${i}`,
              }),
            }),
        )
      ),
    );
    ok(results.every((r) => r.status === "PUT_OK"));
    const shards = new Set(queues.map((q) => shardOfQueue("Topic", q, 2)));
    equal(shards.size, 2, "the test topic spreads over both shards");
    const offsets = results.map((r) => r.physicalOffsets[0]!);
    equal(new Set(offsets).size, offsets.length);
    for (const [i, r] of results.entries()) {
      equal(
        shardOfOffset(r.physicalOffsets[0]!),
        store.shardOf("Topic", queues[Math.floor(i / 10)]!),
      );
    }
    for (const q of queues) {
      equal(await store.getMaxOffsetInQueue("Topic", q), 10);
      const got = await store.getMessage({ topic: "Topic", queueId: q, offset: 0, maxCount: 32 });
      deepEqual(
        splitRecords(got.messages).map((b) => new TextDecoder().decode(decodeOne(b).body)),
        Array.from({ length: 10 }, (_, i) => `q${q}-${i}`),
      );
    }
    await checkLookups(store, offsets);
    ok(arrivals.some((a) => a.topic === "Topic" && a.maxOffset === 10));
    off();
    await checkFilterAndBatch(store);
    equal((await store.stats()).length, 2);
  } finally {
    await store.close();
  }
  const again = await MessageStore.open({
    config: { storePathRootDir: dir, shardCount: 2, ...small },
  });
  try {
    equal(await again.getMaxOffsetInQueue("Topic", 0), 12);
    ok((await again.stats()).every((s) => s.recovery === "clean"));
  } finally {
    await again.close();
  }
  await rejects(
    MessageStore.open({ config: { storePathRootDir: dir, shardCount: 3, ...small } }),
    ConfigError,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("MessageStore with SYNC_FLUSH answers 64 concurrent writers in shared group commits", async () => {
  const dir = tempDir();
  const store = await MessageStore.open({
    config: { storePathRootDir: dir, shardCount: 1, flushDiskType: "SYNC_FLUSH", ...small },
  });
  try {
    const records = [0, 1, 2, 3].map((q) =>
      makeRecord({ topic: "S", queueId: q, body: new Uint8Array(1024) })
    );
    const writers = Array.from({ length: 64 }, async (_, w) => {
      for (let i = 0; i < 20; i++) {
        const r = await store.putMessage({ topic: "S", queueId: w % 4, records: records[w % 4]! });
        equal(r.status, "PUT_OK");
      }
    });
    await Promise.all(writers);
    const [stats] = await store.stats();
    equal(stats!.commitLogFlushedOffset, stats!.commitLogMaxOffset);
    equal(stats!.putCount, 1280);
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("MessageStore in-process mode answers MESSAGE_ILLEGAL for an empty put and locks its folder", async () => {
  const dir = tempDir();
  const store = await MessageStore.open({
    config: { storePathRootDir: dir, shardCount: 1, ...small },
    inProcess: true,
  });
  try {
    equal(
      (await store.putMessage({ topic: "T", queueId: 0, records: new Uint8Array(0) })).status,
      "MESSAGE_ILLEGAL",
    );
    equal(
      (await store.putMessage({ topic: "T", queueId: 0, records: makeRecord({ topic: "T" }) }))
        .status,
      "PUT_OK",
    );
    equal(await store.getEarliestMessageTime() > 0, true);
    equal(await store.lookMessageByOffset(2 ** 50), undefined);
    const second = MessageStore.open({
      config: { storePathRootDir: dir, shardCount: 1, ...small },
      inProcess: true,
    });
    await rejects(second, (error: unknown) => (error as { code?: string }).code === "STORE_LOCKED");
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("MessageStore.deleteTopics() removes consume queues for good, also after a restart", async () => {
  const dir = tempDir();
  const options = { config: { storePathRootDir: dir, shardCount: 2, ...small } };
  let store = await MessageStore.open(options);
  try {
    for (let q = 0; q < 4; q++) {
      await store.putMessage({
        topic: "Gone",
        queueId: q,
        records: makeRecord({ topic: "Gone", queueId: q }),
      });
      await store.putMessage({
        topic: "Kept",
        queueId: q,
        records: makeRecord({ topic: "Kept", queueId: q }),
      });
    }
    equal(await store.deleteTopics(["Gone"]), 4);
    equal(await store.getMaxOffsetInQueue("Gone", 1), 0);
    equal(
      (await store.getMessage({ topic: "Gone", queueId: 1, offset: 0, maxCount: 1 })).status,
      "NO_MESSAGE_IN_QUEUE",
    );
  } finally {
    await store.close();
  }
  store = await MessageStore.open(options);
  try {
    equal(await store.getMaxOffsetInQueue("Gone", 1), 0);
    equal(await store.getMaxOffsetInQueue("Kept", 1), 1);
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("MessageStore shard workers keep checkpointing off-thread while puts continue", async () => {
  const dir = tempDir();
  const store = await MessageStore.open({
    config: {
      storePathRootDir: dir,
      shardCount: 1,
      ...small,
      flushIntervalCommitLog: 20,
      flushIntervalConsumeQueue: 50,
      flushCommitLogLeastPages: 0,
    },
  });
  const safeOffset = async () => {
    const bytes = await Deno.readFile(`${dir}/shard-0/checkpoint`);
    return new DataView(bytes.buffer).getFloat64(8);
  };
  try {
    const records = makeRecord({ topic: "C", body: new Uint8Array(512) });
    let advanced = 0;
    const start = await safeOffset();
    for (let round = 0; round < 200 && advanced < 3; round++) {
      await Promise.all(
        Array.from({ length: 64 }, () => store.putMessage({ topic: "C", queueId: 0, records })),
      );
      await new Promise((r) => setTimeout(r, 10));
      const now = await safeOffset();
      if (now > start) advanced++;
    }
    ok(advanced >= 3, "the checkpoint's safe offset advances while writing");
    const [stats] = await store.stats();
    ok(stats!.commitLogFlushedOffset > 0, "the off-thread flush advances the flushed offset");
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
