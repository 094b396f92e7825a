/**
 * `deno bench` for the shard engine on the calling thread (no worker hop):
 * a put batch of 1 KiB records, a 32-message get, a lookup by physical
 * offset, a consume-queue read. Run: `deno bench -A store/`.
 *
 * Runs on: main thread (benchmark)
 * @module
 */
import { encodeProperties, encodeStoredMessage, storedRecordSize } from "../common/mod.ts";
import { ShardStore } from "./shard_store.ts";
import { resolveStoreConfig } from "./store_config.ts";

const dir = Deno.makeTempDirSync({ prefix: "store_bench_" });
const store = ShardStore.open({
  config: resolveStoreConfig({
    storePathRootDir: dir,
    mappedFileSizeCommitLog: 64 * 1024 * 1024,
    maxHashSlotNum: 65536,
    maxIndexNum: 1_000_000,
    shardCount: 1,
  }),
  shard: 0,
});

function record(queueId: number, n: number): Uint8Array {
  const msg = {
    topic: "BenchTopic",
    queueId,
    flag: 0,
    body: new Uint8Array(1024),
    properties: encodeProperties({ UNIQ_KEY: `U${String(n).padStart(8, "0")}`, TAGS: "TagA" }),
    sysFlag: 0,
    bornTimestamp: 1_700_000_000_000,
    bornHost: { host: "127.0.0.1", port: 1 },
    storeHost: { host: "127.0.0.1", port: 10911 },
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  };
  const out = new Uint8Array(storedRecordSize(msg));
  encodeStoredMessage(msg, out, 0);
  return out;
}

const BATCH = 256;
const size = record(0, 0).length;
const batch = new Uint8Array(size * BATCH);
const metas = Array.from({ length: BATCH }, (_, i) => {
  batch.set(record(i % 8, i), i * size);
  return {
    topic: "BenchTopic",
    queueId: i % 8,
    byteOffset: i * size,
    byteLength: size,
    wait: true,
  };
});
const offsets: number[] = [];
for (let i = 0; i < 40; i++) {
  for (const r of store.putBatch(batch, metas).results) offsets.push(r.physicalOffsets[0]!);
}
let x = 1;

Deno.bench("ShardStore.putBatch() 256 × 1 KiB", { group: "put" }, () => {
  store.putBatch(batch, metas);
});

Deno.bench("ShardStore.getMessage() 32 messages", { group: "get" }, () => {
  x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  store.getMessage({ topic: "BenchTopic", queueId: x % 8, offset: x % 1000, maxCount: 32 });
});

Deno.bench("ShardStore.lookMessageByOffset() random", { group: "get" }, () => {
  x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  store.lookMessageByOffset(offsets[x % offsets.length]!);
});

Deno.bench("ShardStore.getOffsetInQueueByTime()", { group: "get" }, () => {
  store.getOffsetInQueueByTime("BenchTopic", 3, 1_700_000_000_000);
});

globalThis.addEventListener("unload", () => {
  store.close();
  Deno.removeSync(dir, { recursive: true });
});
