/**
 * Unit tests of `StoreAdapter` over a real file store with in-process shards (no workers, so
 * they are fast) in a temporary folder: tag filters travel as data, refusals store nothing,
 * offset ids of both shards round-trip, key queries drop collisions and honour the time
 * window, arrivals reach the long-poll listener, and the settings map onto `StoreConfig`.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import {
  createOffsetMessageId,
  decodeOffsetMessageId,
  decodeStoredMessages,
  encodeProperties,
  type MessageToStore,
  tagsHashCode,
} from "../common/mod.ts";
import { SHARD_OFFSET_SPAN, shardOfQueue } from "../store/mod.ts";
import { defaultBrokerSettings } from "./broker_settings.ts";
import { StoreAdapter } from "./store_adapter.ts";
import { storeConfigFromSettings } from "./store_settings.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const HOST = { host: "127.0.0.1", port: 10911 };

function message(
  topic: string,
  queueId: number,
  options: { body: string; tags?: string; keys?: string; uniqKey?: string },
): MessageToStore {
  const props: Record<string, string> = {};
  if (options.tags !== undefined) props.TAGS = options.tags;
  if (options.keys !== undefined) props.KEYS = options.keys;
  if (options.uniqKey !== undefined) props.UNIQ_KEY = options.uniqKey;
  return {
    topic,
    queueId,
    flag: 0,
    body: encoder.encode(options.body),
    properties: encodeProperties(props),
    sysFlag: 0,
    bornTimestamp: 1_700_000_000_000,
    bornHost: { host: "127.0.0.1", port: 50000 },
    storeHost: HOST,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  };
}

async function withAdapter(fn: (adapter: StoreAdapter, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "broker-store-adapter-" });
  const config = {
    storePathRootDir: dir,
    shardCount: 2,
    maxMessageSize: 1024,
    mappedFileSizeCommitLog: 4096,
  };
  const adapter = await StoreAdapter.open(config, { inProcess: true });
  try {
    await fn(adapter, dir);
  } finally {
    await adapter.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("StoreAdapter.getMessage() filters by tag hashes given as data", async () => {
  await withAdapter(async (adapter) => {
    const put = await adapter.putMessages([
      message("T", 0, { body: "a1", tags: "A" }),
      message("T", 0, { body: "b1", tags: "B" }),
      message("T", 0, { body: "a2", tags: "A" }),
    ]);
    assert.equal(put.status, "PUT_OK");
    assert.deepEqual(put.stored.map((s) => s.queueOffset), [0, 1, 2]);
    const all = await adapter.getMessage("T", 0, { offset: 0, maxCount: 32 });
    assert.equal(all.status, "FOUND");
    assert.equal(all.count, 3);
    const onlyA = await adapter.getMessage("T", 0, {
      offset: 0,
      maxCount: 32,
      tagsCodes: [tagsHashCode("A")],
    });
    assert.deepEqual(decodeStoredMessages(onlyA.messages).map((m) => decoder.decode(m.body)), [
      "a1",
      "a2",
    ]);
    assert.equal(onlyA.nextBeginOffset, 3);
    const end = await adapter.getMessage("T", 0, { offset: 3, maxCount: 32 });
    assert.equal(end.status, "OFFSET_OVERFLOW_ONE");
    assert.equal(await adapter.getMaxOffset("T", 0), 3);
  });
});

Deno.test("StoreAdapter.putMessages() refuses mixed queues and oversized records, storing nothing", async () => {
  await withAdapter(async (adapter) => {
    const mixed = await adapter.putMessages([
      message("T", 0, { body: "x" }),
      message("T", 1, { body: "y" }),
    ]);
    assert.equal(mixed.status, "MESSAGE_ILLEGAL");
    const big = await adapter.putMessages([message("T", 0, { body: "z".repeat(2000) })]);
    assert.equal(big.status, "MESSAGE_ILLEGAL");
    assert.deepEqual(big.stored, []);
    assert.equal(await adapter.getMaxOffset("T", 0), 0);
    assert.equal(adapter.maxPhysicalOffset(), 0);
  });
});

Deno.test("StoreAdapter.lookMessageByOffset() round-trips offset ids of both shards and rejects inner offsets", async () => {
  await withAdapter(async (adapter) => {
    const queueOn = (shard: number) =>
      [0, 1, 2, 3].find((q) => shardOfQueue("T", q, 2) === shard) ?? 0;
    for (const shard of [0, 1]) {
      const put = await adapter.putMessages([
        message("T", queueOn(shard), { body: `on-${shard}` }),
      ]);
      const physicalOffset = put.stored[0]?.physicalOffset ?? -1;
      assert.equal(Math.floor(physicalOffset / SHARD_OFFSET_SPAN), shard);
      const id = createOffsetMessageId(HOST, physicalOffset);
      const record = await adapter.lookMessageByOffset(decodeOffsetMessageId(id).offset);
      assert.ok(record !== undefined);
      const [decoded] = decodeStoredMessages(record);
      assert.equal(decoded?.msgId, id);
      assert.equal(decoder.decode(decoded?.body), `on-${shard}`);
      assert.equal(await adapter.lookMessageByOffset(physicalOffset + 4), undefined);
    }
    assert.ok(adapter.maxPhysicalOffset() > 0);
    assert.ok(adapter.maxPhysicalOffset() < SHARD_OFFSET_SPAN);
  });
});

Deno.test("StoreAdapter.queryMessage() keeps only matching keys inside the time window", async () => {
  await withAdapter(async (adapter) => {
    await adapter.putMessages([message("T", 0, { body: "one", keys: "k1 k2", uniqKey: "U1" })]);
    await adapter.putMessages([message("T", 0, { body: "two", keys: "k2" })]);
    await adapter.putMessages([message("Other", 0, { body: "three", keys: "k1" })]);
    const now = Date.now();
    const window = { maxNum: 32, begin: now - 60_000, end: now + 60_000 };
    const k1 = await adapter.queryMessage("T", "k1", window);
    assert.deepEqual(k1.records.map((r) => decoder.decode(decodeStoredMessages(r)[0]?.body)), [
      "one",
    ]);
    assert.equal((await adapter.queryMessage("T", "k2", window)).records.length, 2);
    assert.equal((await adapter.queryMessage("T", "U1", window)).records.length, 1);
    const past = await adapter.queryMessage("T", "k1", { maxNum: 32, begin: 0, end: 1000 });
    assert.equal(past.records.length, 0);
  });
});

Deno.test("StoreAdapter.onMessageArrived() reports the newest queue offset and offsets by time", async () => {
  await withAdapter(async (adapter) => {
    const seen: { topic: string; queueId: number; queueOffset: number }[] = [];
    adapter.onMessageArrived((topic, queueId, info) =>
      seen.push({ topic, queueId, queueOffset: info.queueOffset })
    );
    const put = await adapter.putMessages([
      message("T", 2, { body: "a" }),
      message("T", 2, { body: "b" }),
    ]);
    for (let i = 0; i < 50 && seen.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.deepEqual(seen.at(-1), { topic: "T", queueId: 2, queueOffset: 1 });
    const stored = put.stored[0]?.storeTimestamp ?? 0;
    const byTime = (timestamp: number, boundary: "lower" | "upper") =>
      adapter.getOffsetByTime("T", 2, { timestamp, boundary });
    assert.equal(await byTime(stored, "lower"), 0);
    assert.equal(await byTime(stored, "upper"), 1);
    assert.equal(await byTime(stored + 1, "lower"), 2);
    assert.equal(await adapter.getEarliestMessageTime("T", 2), stored);
  });
});

Deno.test("storeConfigFromSettings() maps broker keys and keeps an existing store's shard count", async () => {
  const dir = await Deno.makeTempDir({ prefix: "broker-store-settings-" });
  try {
    const settings = {
      ...defaultBrokerSettings(),
      storePathRootDir: dir,
      flushDiskType: "SYNC_FLUSH" as const,
      fileReservedTime: 12,
      deleteWhen: "03;15",
      shardCount: 3,
    };
    const config = storeConfigFromSettings(settings);
    assert.equal(config.flushDiskType, "SYNC_FLUSH");
    assert.equal(config.fileReservedTime, 12);
    assert.equal(config.deleteWhen, "03;15");
    assert.equal(config.shardCount, 3);
    await Deno.writeTextFile(`${dir}/store.json`, JSON.stringify({ version: 1, shardCount: 2 }));
    assert.equal(storeConfigFromSettings(settings).shardCount, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
