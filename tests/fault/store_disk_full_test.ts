/**
 * Full-disk fault test of the store through the `MessageStore` facade.
 * Goal: when writes fail with ENOSPC the store refuses puts with DISK_FULL,
 * keeps earlier data readable, writes nothing half-visible, and works again
 * (also after a restart) once space is back. Method: an injected `FileIO`
 * whose writes throw `DiskFullError` on demand (a loop-mounted file system is
 * not needed for this).
 *
 * Runs on: main thread (tests)
 * @module
 */
import { equal } from "node:assert/strict";
import { encodeProperties, encodeStoredMessage, storedRecordSize } from "../../common/mod.ts";
import { DiskFullError, type FileIO, MessageStore, nodeFileIO } from "../../store/mod.ts";

/** `nodeFileIO` with writes that fail while `full` is set. */
function fullableIO(): { io: FileIO; setFull(full: boolean): void } {
  let full = false;
  const io: FileIO = {
    ...nodeFileIO,
    write(handle, buf, position) {
      if (full) throw new DiskFullError("Injected: no space left on device");
      nodeFileIO.write(handle, buf, position);
    },
    diskUsedRatio: () => (full ? 0.99 : 0.5),
  };
  return { io, setFull: (value) => (full = value) };
}

function record(queueId: number, body: string): Uint8Array {
  const msg = {
    topic: "FullTopic",
    queueId,
    flag: 0,
    body: new TextEncoder().encode(body),
    properties: encodeProperties({ UNIQ_KEY: `U-${body}` }),
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

Deno.test("MessageStore refuses puts with DISK_FULL on a full disk and keeps earlier data", async () => {
  const dir = await Deno.makeTempDir({ prefix: "store_full_" });
  const disk = fullableIO();
  const config = {
    storePathRootDir: dir,
    shardCount: 1,
    mappedFileSizeCommitLog: 64 * 1024,
    maxMessageSize: 16 * 1024,
  };
  let store = await MessageStore.open({ config, inProcess: true, io: disk.io });
  try {
    for (let i = 0; i < 10; i++) {
      equal(
        (await store.putMessage({ topic: "FullTopic", queueId: 0, records: record(0, `a${i}`) }))
          .status,
        "PUT_OK",
      );
    }
    disk.setFull(true);
    const refused = await store.putMessages([
      { topic: "FullTopic", queueId: 0, records: record(0, "lost1") },
      { topic: "FullTopic", queueId: 0, records: record(0, "lost2") },
    ]);
    equal(refused.map((r) => r.status).join(), "DISK_FULL,DISK_FULL");
    equal(await store.getMaxOffsetInQueue("FullTopic", 0), 10);
    const got = await store.getMessage({ topic: "FullTopic", queueId: 0, offset: 0, maxCount: 32 });
    equal(got.count, 10);
    equal(await store.runRetention(), 0);
    equal(
      (await store.putMessage({ topic: "FullTopic", queueId: 0, records: record(0, "still") }))
        .status,
      "DISK_FULL",
    );
    disk.setFull(false);
    await store.runRetention(); // sees free space again
    const back = await store.putMessage({
      topic: "FullTopic",
      queueId: 0,
      records: record(0, "b0"),
    });
    equal(back.status, "PUT_OK");
    equal(back.queueOffset, 10, "refused puts took no queue offsets");
  } finally {
    await store.close();
  }
  store = await MessageStore.open({ config, inProcess: true });
  try {
    equal(await store.getMaxOffsetInQueue("FullTopic", 0), 11);
    const all = await store.getMessage({ topic: "FullTopic", queueId: 0, offset: 0, maxCount: 32 });
    equal(all.count, 11);
    const text = new TextDecoder().decode(all.messages);
    equal(text.includes("lost1") || text.includes("lost2") || text.includes("still"), false);
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
