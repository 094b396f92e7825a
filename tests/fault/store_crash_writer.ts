/**
 * Child process of the store crash tests: opens a `MessageStore` with
 * SYNC_FLUSH (or the flush type given as third argument) on the folder given as first argument and writes from 16
 * concurrent writers until killed, printing one line per acknowledged put:
 * `ACK <queueId> <queueOffset> <physicalOffset> <uniqKey>`.
 *
 * Runs on: main thread (test subprocess)
 * @module
 */
import { MessageStore } from "../../store/mod.ts";
import { encodeProperties, encodeStoredMessage, storedRecordSize } from "../../common/mod.ts";

const dir = Deno.args[0];
const tag = Deno.args[1] ?? "run";
const flushDiskType = Deno.args[2] === "ASYNC_FLUSH" ? "ASYNC_FLUSH" : "SYNC_FLUSH";
if (dir === undefined) throw new TypeError("Usage: store_crash_writer.ts <dir> [tag]");

const store = await MessageStore.open({
  config: {
    storePathRootDir: dir,
    shardCount: 2,
    flushDiskType,
    mappedFileSizeCommitLog: 1024 * 1024,
    mappedFileSizeConsumeQueue: 20 * 1000,
    maxMessageSize: 64 * 1024,
    maxHashSlotNum: 4096,
    maxIndexNum: 100_000,
    flushIntervalConsumeQueue: 100,
  },
});

function record(queueId: number, uniq: string, size: number): Uint8Array {
  const body = new Uint8Array(size);
  for (let i = 0; i < size; i++) body[i] = (i * 31 + uniq.length) & 0xff;
  const msg = {
    topic: "CrashTopic",
    queueId,
    flag: 0,
    body,
    properties: encodeProperties({ UNIQ_KEY: uniq, KEYS: `key-${uniq}` }),
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

const encoder = new TextEncoder();
let out = "";
let scheduled = false;
function report(line: string): void {
  out += line;
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(() => {
    scheduled = false;
    const bytes = encoder.encode(out);
    out = "";
    let done = 0;
    while (done < bytes.length) done += Deno.stdout.writeSync(bytes.subarray(done));
  });
}

report("READY\n");
await Promise.all(Array.from({ length: 16 }, async (_, w) => {
  for (let i = 0; i < 1_000_000; i++) {
    const queueId = (w + i) % 8;
    const uniq = `${tag}-${w}-${i}`;
    const result = await store.putMessage({
      topic: "CrashTopic",
      queueId,
      records: record(queueId, uniq, 200 + ((w * 7 + i * 13) % 900)),
    });
    if (result.status !== "PUT_OK") continue;
    report(`ACK ${queueId} ${result.queueOffset} ${result.physicalOffsets[0]} ${uniq}\n`);
  }
}));
