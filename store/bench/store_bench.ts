/**
 * Store benchmark through the `MessageStore` facade with shard workers,
 * 1 KiB bodies: async put, sync put from 64 writers, sequential get, random
 * get by physical offset, recovery after SIGKILL, RSS while writing.
 *
 * Usage: deno run -A store/bench/store_bench.ts [--messages N] [--rss-gib G] [--recovery-gib G] [--dir D]
 * (the `--child-write` mode is the SIGKILLed writer of the recovery case)
 *
 * Runs on: main thread (benchmark)
 * @module
 */
import { parseArgs } from "node:util";
import { encodeProperties, encodeStoredMessage, storedRecordSize } from "../../common/mod.ts";
import { MessageStore, type StoreConfig } from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    messages: { type: "string", default: "500000" },
    "rss-gib": { type: "string", default: "2" },
    "recovery-gib": { type: "string", default: "1" },
    dir: { type: "string", default: "" },
    "child-write": { type: "string" },
    shards: { type: "string", default: "1" },
    warm: { type: "string", default: "auto" },
  },
});

const BODY = 1024;
const TOPIC = "BenchTopic";
const QUEUES = 32;
const shardCount = Number(values.shards);

function record(queueId: number, n: number): Uint8Array {
  const msg = {
    topic: TOPIC,
    queueId,
    flag: 0,
    body: new Uint8Array(BODY).fill(n & 0xff),
    properties: encodeProperties({
      UNIQ_KEY: `7F000001000000000000${String(n).padStart(12, "0")}`,
      TAGS: "TagA",
    }),
    sysFlag: 0,
    bornTimestamp: Date.now(),
    bornHost: { host: "127.0.0.1", port: 1 },
    storeHost: { host: "127.0.0.1", port: 10911 },
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  };
  const out = new Uint8Array(storedRecordSize(msg));
  encodeStoredMessage(msg, out, 0);
  return out;
}

const RECORDS = Array.from({ length: QUEUES }, (_, q) => record(q, q));

function config(dir: string, extra: Partial<StoreConfig> = {}) {
  return {
    storePathRootDir: dir,
    shardCount,
    mappedFileSizeCommitLog: 256 * 1024 * 1024,
    ...extra,
  };
}

function out(line: string): void {
  const bytes = new TextEncoder().encode(line + "\n");
  let done = 0;
  while (done < bytes.length) done += Deno.stdout.writeSync(bytes.subarray(done));
}

function rate(n: number, ms: number): string {
  return `${Math.round(n / (ms / 1000)).toLocaleString("en-US")} msg/s (${n} in ${
    ms.toFixed(0)
  } ms)`;
}

/** `lanes` loops each keep a window of puts in flight, like many producer connections. */
async function putAsync(
  store: MessageStore,
  total: number,
  lanes = 8,
  window = 1024,
): Promise<number[]> {
  const offsets: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next < total) {
      const start = next;
      const n = Math.min(window, total - start);
      next += n;
      const results = await Promise.all(Array.from({ length: n }, (_, k) => {
        const q = (start + k) % QUEUES;
        return store.putMessage({ topic: TOPIC, queueId: q, records: RECORDS[q]! });
      }));
      for (const r of results) {
        if (r.status !== "PUT_OK") throw new Error(`put failed: ${r.status}`);
        offsets.push(r.physicalOffsets[0]!);
      }
    }
  }));
  return offsets;
}

async function benchAsyncAndReads(root: string, total: number): Promise<void> {
  const store = await MessageStore.open({ config: config(`${root}/async`) });
  try {
    await putAsync(store, 20_000); // warm-up
    let t0 = performance.now();
    const offsets = await putAsync(store, total);
    out(`put ASYNC_FLUSH, 1 KiB, 8 lanes x 1024 in flight: ${rate(total, performance.now() - t0)}`);
    t0 = performance.now();
    let read = 0;
    // Each queue is read in order by 4 readers over its 4 quarters (128 sequential streams).
    await Promise.all(Array.from({ length: QUEUES * 4 }, async (_, r) => {
      const q = r % QUEUES;
      const max = await store.getMaxOffsetInQueue(TOPIC, q);
      const quarter = Math.ceil(max / 4);
      let offset = quarter * Math.floor(r / QUEUES);
      const end = Math.min(max, offset + quarter);
      for (let guard = 0; guard < 10_000_000 && offset < end; guard++) {
        const got = await store.getMessage({
          topic: TOPIC,
          queueId: q,
          offset,
          maxCount: Math.min(32, end - offset),
        });
        read += got.count;
        offset = got.nextBeginOffset;
      }
    }));
    out(`sequential get, 32 queues x 4 readers, 32 per get: ${rate(read, performance.now() - t0)}`);
    const lookups = Math.min(300_000, offsets.length);
    let x = 12345;
    let done = 0;
    t0 = performance.now();
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (done < lookups) {
        done += 256;
        const found = await Promise.all(Array.from({ length: 256 }, () => {
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          return store.lookMessageByOffset(offsets[x % offsets.length]!);
        }));
        if (found.some((r) => r === undefined)) throw new Error("lookup failed");
      }
    }));
    out(
      `random get by physical offset, 8 lanes x 256 in flight: ${
        rate(done, performance.now() - t0)
      }`,
    );
  } finally {
    await store.close();
  }
}

async function benchSync(root: string, total: number): Promise<void> {
  const store = await MessageStore.open({
    config: config(`${root}/sync`, { flushDiskType: "SYNC_FLUSH" }),
  });
  try {
    const perWriter = Math.ceil(total / 64);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 64 }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) {
        const q = (w + i) % QUEUES;
        const r = await store.putMessage({ topic: TOPIC, queueId: q, records: RECORDS[q]! });
        if (r.status !== "PUT_OK") throw new Error(`put failed: ${r.status}`);
      }
    }));
    out(`put SYNC_FLUSH, 64 concurrent writers: ${rate(perWriter * 64, performance.now() - t0)}`);
  } finally {
    await store.close();
  }
}

function rssMiB(): string {
  return `${(Deno.memoryUsage().rss / 1048576).toFixed(0)} MiB`;
}

async function benchRss(root: string, gib: number): Promise<void> {
  const store = await MessageStore.open({
    config: config(`${root}/rss`, { mappedFileSizeCommitLog: 1024 * 1024 * 1024 }),
  });
  try {
    out(`RSS after open: ${rssMiB()}`);
    const perGib = Math.ceil((1024 * 1024 * 1024) / RECORDS[0]!.length);
    for (let g = 1; g <= gib; g++) {
      const t0 = performance.now();
      await putAsync(store, perGib);
      out(
        `RSS after ${g} GiB written: ${rssMiB()} (this GiB: ${
          rate(perGib, performance.now() - t0)
        })`,
      );
    }
  } finally {
    await store.close();
  }
  out(`RSS after close: ${rssMiB()}`);
}

async function childWrite(dir: string, gib: number): Promise<void> {
  const store = await MessageStore.open({
    config: config(dir, { mappedFileSizeCommitLog: 1024 * 1024 * 1024 }),
  });
  await putAsync(store, Math.ceil((gib * 1024 * 1024 * 1024) / RECORDS[0]!.length));
  out("WRITTEN");
  await new Promise((r) => setTimeout(r, 60_000)); // wait to be killed
}

async function benchRecovery(root: string, gib: number): Promise<void> {
  const dir = `${root}/recovery`;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL(import.meta.url).pathname,
      "--child-write",
      dir,
      "--recovery-gib",
      String(gib),
      "--shards",
      String(shardCount),
    ],
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (let i = 0; i < 1_000_000 && !text.includes("WRITTEN"); i++) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  child.kill("SIGKILL");
  await child.status;
  await reader.cancel();
  let t0 = performance.now();
  let store = await MessageStore.open({
    config: config(dir, { mappedFileSizeCommitLog: 1024 * 1024 * 1024 }),
  });
  const stats = await store.stats();
  out(
    `recovery after SIGKILL, ${gib} GiB log, checkpoint present: ${
      (performance.now() - t0).toFixed(0)
    } ms (${stats.map((s) => s.recovery).join(",")})`,
  );
  await store.close();
  // Worst case: crash with no checkpoint, so every record of the log is scanned and re-dispatched.
  for (let k = 0; k < shardCount; k++) {
    await Deno.remove(`${dir}/shard-${k}/checkpoint`);
    await Deno.writeFile(`${dir}/shard-${k}/abort`, new Uint8Array());
  }
  t0 = performance.now();
  store = await MessageStore.open({
    config: config(dir, { mappedFileSizeCommitLog: 1024 * 1024 * 1024 }),
  });
  out(
    `recovery without checkpoint (full scan with CRC of ${gib} GiB): ${
      (performance.now() - t0).toFixed(0)
    } ms`,
  );
  await store.close();
}

if (values["child-write"] !== undefined) {
  await childWrite(values["child-write"], Number(values["recovery-gib"]));
} else {
  const root = values.dir !== "" ? values.dir : await Deno.makeTempDir({ prefix: "store_bench_" });
  try {
    out(
      `store bench: ${navigator.hardwareConcurrency} cores, shards ${shardCount}, warm ${values.warm}, dir ${root}`,
    );
    out(`RSS at start: ${rssMiB()}`);
    const total = Number(values.messages);
    await benchAsyncAndReads(root, total);
    await benchSync(root, Math.min(total, 200_000));
    if (Number(values["recovery-gib"]) > 0) {
      await benchRecovery(root, Number(values["recovery-gib"]));
    }
    if (Number(values["rss-gib"]) > 0) await benchRss(root, Number(values["rss-gib"]));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}
