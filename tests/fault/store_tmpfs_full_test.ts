/**
 * Full-disk fault test on a real file system that runs out of space.
 * Goal: when the disk really is full (ENOSPC from the kernel, not an injected
 * fault) the store refuses puts with DISK_FULL, keeps every acknowledged
 * message readable with nothing torn or half-dispatched, and takes puts again
 * once space is back, also after a restart. Method: a 2 MiB tmpfs mounted by
 * the test (needs root on Linux; otherwise the test says it did not run),
 * small segments, 1 KiB bodies written until the store refuses, then the
 * tmpfs is grown with a remount.
 *
 * Runs on: main thread (tests)
 * @module
 */
import { equal, ok } from "node:assert/strict";
import {
  encodeProperties,
  encodeStoredMessage,
  getLogger,
  storedRecordSize,
} from "../../common/mod.ts";
import { MessageStore } from "../../store/mod.ts";

const log = getLogger("test");
const canMount = Deno.build.os === "linux" && Deno.uid() === 0;

async function run(cmd: string, args: string[]): Promise<boolean> {
  const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).output();
  return out.success;
}

function record(index: number): Uint8Array {
  const body = new Uint8Array(1024).fill(0x61 + (index % 26));
  new DataView(body.buffer).setUint32(0, index);
  const msg = {
    topic: "TmpfsTopic",
    queueId: 0,
    flag: 0,
    body,
    properties: encodeProperties({ UNIQ_KEY: `U-${index}`, KEYS: `K-${index}` }),
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

/** Reads queue 0 from offset 0 and returns the indexes written in the bodies, in order. */
async function readAll(store: MessageStore): Promise<number[]> {
  const seen: number[] = [];
  let offset = 0;
  for (let round = 0; round < 1000; round++) {
    const got = await store.getMessage({ topic: "TmpfsTopic", queueId: 0, offset, maxCount: 32 });
    if (got.status !== "FOUND") break;
    let pos = 0;
    const view = new DataView(got.messages.buffer, got.messages.byteOffset);
    while (pos < got.messages.length) {
      const size = view.getInt32(pos);
      // Stored layout (message-format.md): 84 fixed bytes, the body length, then the body.
      seen.push(view.getUint32(pos + 88));
      pos += size;
    }
    offset = got.nextBeginOffset;
  }
  return seen;
}

Deno.test({
  name: "MessageStore on a tmpfs that fills up refuses with DISK_FULL, loses nothing and resumes",
  ignore: !canMount,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "store_tmpfs_" });
    const mountPoint = `${dir}/fs`;
    await Deno.mkdir(mountPoint);
    if (!await run("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint])) {
      log.warn("store_tmpfs_full_test did not run: mounting a tmpfs failed here");
      await Deno.remove(dir, { recursive: true });
      return;
    }
    const config = {
      storePathRootDir: `${mountPoint}/store`,
      shardCount: 1,
      mappedFileSizeCommitLog: 256 * 1024,
      mappedFileSizeConsumeQueue: 20 * 2048,
      maxHashSlotNum: 64,
      maxIndexNum: 1024,
      maxMessageSize: 16 * 1024,
      diskSpaceWarningLevelRatio: 100,
      diskMaxUsedSpaceRatio: 100,
      diskSpaceCleanForciblyRatio: 100,
      cleanFileForciblyEnable: false,
    };
    try {
      let store = await MessageStore.open({ config, inProcess: true });
      const acked: number[] = [];
      let refused = 0;
      try {
        for (let i = 0; i < 5000 && refused < 3; i++) {
          const r = await store.putMessage({ topic: "TmpfsTopic", queueId: 0, records: record(i) });
          if (r.status === "PUT_OK") {
            equal(refused, 0, "no put succeeds between refusals while the disk is full");
            equal(r.queueOffset, acked.length);
            acked.push(i);
          } else {
            equal(r.status, "DISK_FULL");
            refused++;
          }
        }
        equal(refused, 3, "the 2 MiB file system filled up");
        ok(acked.length > 100, `stored ${acked.length} before the disk was full`);
        equal(await store.getMaxOffsetInQueue("TmpfsTopic", 0), acked.length);
        equal((await readAll(store)).join(), acked.join(), "every acknowledged message reads back");
        ok(await run("mount", ["-o", "remount,size=16m", mountPoint]), "tmpfs grown");
        await store.runRetention(); // sees free space again
        const back = await store.putMessage({
          topic: "TmpfsTopic",
          queueId: 0,
          records: record(9999),
        });
        equal(back.status, "PUT_OK");
        equal(back.queueOffset, acked.length, "refused puts took no queue offsets");
        acked.push(9999);
      } finally {
        await store.close();
      }
      store = await MessageStore.open({ config, inProcess: true });
      try {
        equal(await store.getMaxOffsetInQueue("TmpfsTopic", 0), acked.length);
        equal((await readAll(store)).join(), acked.join(), "the same messages after a restart");
      } finally {
        await store.close();
      }
    } finally {
      await run("umount", [mountPoint]);
      await Deno.remove(dir, { recursive: true });
    }
  },
});
