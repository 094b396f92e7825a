/**
 * Component tests of both HA endpoints over loopback TCP with real stores
 * (in-process shards, two of them, tiny segments so they roll). Goal: the
 * slave's log equals the master's byte for byte after catch-up, including
 * writes made while connected; SYNC_MASTER waits resolve PUT_OK once the
 * slave confirmed and SLAVE_NOT_AVAILABLE without a slave; a slave ahead of
 * its master is cut back to it.
 *
 * Runs on: main thread (tests)
 * @module
 */
import { deepEqual, equal } from "node:assert/strict";
import { encodeStoredMessage, type MessageToStore, storedRecordSize } from "../common/mod.ts";
import { MessageStore } from "../store/mod.ts";
import { HAClient } from "./ha_client.ts";
import { HAService } from "./ha_service.ts";

const CONFIG = {
  shardCount: 2,
  mappedFileSizeCommitLog: 16 * 1024,
  maxMessageSize: 4096,
  maxHashSlotNum: 64,
  maxIndexNum: 512,
};

async function openStore(): Promise<MessageStore> {
  const dir = await Deno.makeTempDir({ prefix: "ha_test_" });
  return await MessageStore.open({ config: { storePathRootDir: dir, ...CONFIG }, inProcess: true });
}

function record(queueId: number, i: number): Uint8Array {
  const msg: MessageToStore = {
    topic: "HaTopic",
    queueId,
    flag: 0,
    body: new TextEncoder().encode(`message ${i} `.repeat(1 + (i % 20))),
    properties: `KEYS\u0001k${i}\u0002`,
    sysFlag: 0,
    bornTimestamp: 1_700_000_000_000 + i,
    bornHost: { host: "127.0.0.1", port: 5000 },
    storeHost: { host: "127.0.0.1", port: 10911 },
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  };
  const out = new Uint8Array(storedRecordSize(msg));
  encodeStoredMessage(msg, out, 0);
  return out;
}

/** Puts `count` messages on the master and tells the service; returns the last (shard, end). */
async function produce(
  store: MessageStore,
  ha: HAService,
  count: number,
  from = 0,
): Promise<[number, number]> {
  let last: [number, number] = [0, 0];
  for (let i = from; i < from + count; i++) {
    const records = record(i % 4, i);
    const result = await store.putMessage({ topic: "HaTopic", queueId: i % 4, records });
    equal(result.status, "PUT_OK");
    const offset = result.physicalOffsets[0]!;
    const shard = Math.floor(offset / 2 ** 48);
    ha.noteWritten(shard, offset + records.length);
    last = [shard, offset + records.length];
  }
  return last;
}

async function logOf(store: MessageStore): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const s of await store.stats()) {
    const parts: Uint8Array[] = [];
    for (let pos = s.commitLogMinOffset; pos < s.commitLogMaxOffset;) {
      const part = await store.readReplica(s.shard, pos, 1 << 20);
      parts.push(part);
      pos += part.length;
    }
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let pos = 0;
    for (const p of parts) {
      all.set(p, pos);
      pos += p.length;
    }
    out.push(all);
  }
  return out;
}

async function waitFor(predicate: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const deadline = performance.now() + ms;
  for (let i = 0; i < 10_000 && performance.now() < deadline; i++) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("condition not met in time");
}

async function caughtUp(master: MessageStore, slave: MessageStore): Promise<boolean> {
  const [a, b] = [await master.stats(), await slave.stats()];
  return a.every((s, k) => s.commitLogMaxOffset === b[k]!.commitLogMaxOffset);
}

Deno.test("HAService and HAClient replicate every shard byte for byte, before and after connecting", async () => {
  const master = await openStore();
  const slave = await openStore();
  const ha = new HAService({ source: master, hostname: "127.0.0.1", port: 0, heartbeatMs: 200 });
  await ha.start();
  const client = new HAClient({
    sink: slave,
    masterAddress: () => `127.0.0.1:${ha.port}`,
    heartbeatMs: 200,
    reconnectMs: 100,
  });
  try {
    equal(await ha.waitForSlave(0, 1, 100), "SLAVE_NOT_AVAILABLE");
    await produce(master, ha, 150);
    client.start();
    await waitFor(() => caughtUp(master, slave));
    const [shard, end] = await produce(master, ha, 100, 150);
    equal(await ha.waitForSlave(shard, end, 3000), "PUT_OK");
    await waitFor(() => caughtUp(master, slave));
    deepEqual(await logOf(slave), await logOf(master));
    for (const q of [0, 1, 2, 3]) {
      equal(await slave.getMaxOffsetInQueue("HaTopic", q), 250 / 4 + (q < 250 % 4 ? 1 : 0) | 0);
    }
    equal(ha.slaves().length, 1);
    // The slave's report follows its append: wait for it to reach the master.
    await waitFor(() => ha.slaves()[0]?.behindBytes === 0);
    equal(ha.slaves()[0]!.behindBytes, 0);
  } finally {
    await client.close();
    await ha.close();
    await master.close();
    await slave.close();
  }
});

Deno.test("HAClient cuts a slave that is ahead of its master back, and refuses one that diverged", async () => {
  const master = await openStore();
  const slave = await openStore();
  const stray = await openStore();
  const ha = new HAService({ source: master, hostname: "127.0.0.1", port: 0, heartbeatMs: 200 });
  await ha.start();
  const strayHa = new HAService({ source: stray, hostname: "127.0.0.1", port: 0 });
  await strayHa.start();
  let address = `127.0.0.1:${ha.port}`;
  const client = new HAClient({
    sink: slave,
    masterAddress: () => address,
    heartbeatMs: 200,
    reconnectMs: 50,
  });
  try {
    await produce(master, ha, 40);
    client.start();
    await waitFor(() => caughtUp(master, slave));
    const joined = await master.stats();
    await produce(master, ha, 30, 40);
    await waitFor(() => caughtUp(master, slave));
    // The master comes back from an older copy of its store: the slave is ahead of it.
    await client.close();
    await ha.close();
    await master.close();
    const older = await openStore();
    for (const s of joined) {
      for (let pos = s.commitLogMinOffset; pos < s.commitLogMaxOffset;) {
        const part = await slave.readReplica(s.shard, pos, s.commitLogMaxOffset - pos);
        await older.appendReplica(s.shard, pos, part);
        pos += part.length;
      }
    }
    const olderHa = new HAService({ source: older, hostname: "127.0.0.1", port: 0 });
    await olderHa.start();
    address = `127.0.0.1:${olderHa.port}`;
    const again = new HAClient({ sink: slave, masterAddress: () => address, reconnectMs: 50 });
    again.start();
    await waitFor(() => caughtUp(older, slave));
    deepEqual(await logOf(slave), await logOf(older));
    // A master with another history: the slave keeps its log and refuses to go on.
    await produce(stray, strayHa, 10);
    address = `127.0.0.1:${strayHa.port}`;
    await again.close();
    const refused = new HAClient({ sink: slave, masterAddress: () => address, reconnectMs: 50 });
    refused.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await refused.close();
    deepEqual(await logOf(slave), await logOf(older));
    await olderHa.close();
    await older.close();
  } finally {
    await client.close();
    await ha.close();
    await strayHa.close();
    await master.close();
    await slave.close();
    await stray.close();
  }
});
