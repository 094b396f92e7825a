/**
 * Offset stores: the broker store against a fake broker API (not-found,
 * failures, increase-only), the file store through a temp directory
 * (round trip, backup recovery).
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { LocalFileOffsetStore, RemoteBrokerOffsetStore } from "./offset_store.ts";
import type { MessageQueue } from "./message_queue.ts";

const MQ: MessageQueue = { topic: "T", brokerName: "b", queueId: 1 };
const MQ2: MessageQueue = { topic: "T", brokerName: "b", queueId: 2 };

Deno.test("RemoteBrokerOffsetStore.readOffset() returns -1 when the broker has no offset and -2 on failure", async () => {
  let fail = false;
  const store = new RemoteBrokerOffsetStore({
    queryConsumerOffset: () =>
      fail ? Promise.reject(new Error("down")) : Promise.resolve(undefined),
    updateConsumerOffset: () => Promise.resolve(),
  });
  assert.equal(await store.readOffset(MQ, "store"), -1);
  fail = true;
  assert.equal(await store.readOffset(MQ, "memoryThenStore"), -2);
  assert.equal(await store.readOffset(MQ, "memory"), -1);
});

Deno.test("RemoteBrokerOffsetStore.persistAll() sends the in-memory offsets and respects increaseOnly", async () => {
  const sent: Array<[number, number]> = [];
  const store = new RemoteBrokerOffsetStore({
    queryConsumerOffset: () => Promise.resolve(7),
    updateConsumerOffset: (mq, offset) => {
      sent.push([mq.queueId, offset]);
      return Promise.resolve();
    },
  });
  assert.equal(await store.readOffset(MQ, "memoryThenStore"), 7);
  store.updateOffset(MQ, 5, true);
  assert.equal(await store.readOffset(MQ, "memory"), 7);
  store.updateOffset(MQ, 9, true);
  store.updateOffset(MQ2, 3, false);
  await store.persistAll([MQ, MQ2]);
  assert.deepEqual(sent, [[1, 9], [2, 3]]);
  store.removeOffset(MQ);
  assert.equal(await store.readOffset(MQ, "memory"), -1);
});

Deno.test("LocalFileOffsetStore.persistAll() writes a file that a new store loads back", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/client/group/offsets.json`;
    const store = new LocalFileOffsetStore(path);
    await store.load();
    assert.equal(await store.readOffset(MQ, "memory"), -1);
    store.updateOffset(MQ, 42, false);
    store.updateOffset(MQ2, 7, false);
    await store.persistAll([MQ]);
    store.updateOffset(MQ, 43, false);
    await store.persistAll([MQ]);
    const again = new LocalFileOffsetStore(path);
    assert.equal(await again.readOffset(MQ, "store"), 43);
    assert.equal(await again.readOffset(MQ2, "memory"), 7);
    // A corrupt main file falls back to the backup (the previous write).
    await Deno.writeTextFile(path, "{not json");
    const fromBackup = new LocalFileOffsetStore(path);
    await fromBackup.load();
    assert.equal(await fromBackup.readOffset(MQ, "memory"), 42);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
