/**
 * The broker on the file store, end to end. Goal: messages sent through a broker process
 * live in the sharded file store, so they survive a clean restart with the same msgId, body
 * and queue offsets, along with committed consumer offsets; offset message ids of both shards
 * (physical offsets above 2^48 for shard 1) round-trip through VIEW_MESSAGE_BY_ID; QUERY_MESSAGE
 * honours keys and the time window; a parked pull wakes from the store's arrival event.
 * Method: real `namesrv/main.ts` and `broker/main.ts` processes on 127.0.0.1 and free ports,
 * two store shards and tiny commit-log segments (so segments roll), SIGTERM between runs.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { decodeOffsetMessageId, decodeStoredMessages } from "../../common/mod.ts";
import { RequestCode, ResponseCode } from "../../remoting/mod.ts";
import { SHARD_OFFSET_SPAN } from "../../store/mod.ts";
import {
  javaRequest,
  type RunningProcess,
  startNameServer,
  startProcess,
  WireClient,
} from "../harness.ts";

const BROKER_READY = /The broker\[[^,]+, [\d.]+:(\d+)\] boot success/;
const TOPIC = "restart_topic";
const QUEUES = 4;
const MESSAGES = 60;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function startBroker(namesrvPort: number, storeDir: string): Promise<RunningProcess> {
  return startProcess({
    entry: "broker/main.ts",
    properties: {
      brokerName: "broker-r",
      brokerIP1: "127.0.0.1",
      bindAddress: "127.0.0.1",
      listenPort: "0",
      namesrvAddr: `127.0.0.1:${namesrvPort}`,
      storePathRootDir: storeDir,
      shardCount: "2",
      maxMessageSize: "2048",
      mappedFileSizeCommitLog: "8192",
    },
    readyPattern: BROKER_READY,
  });
}

function send(queueId: number, body: string, key: string) {
  return javaRequest(RequestCode.SEND_MESSAGE_V2, {
    a: "pg",
    b: TOPIC,
    c: "TBW102",
    d: String(QUEUES),
    e: String(queueId),
    f: "0",
    g: String(Date.now()),
    h: "0",
    i: `KEYS\u0001${key}\u0002WAIT\u0001true\u0002TAGS\u0001TagA`,
    j: "0",
    k: "false",
    m: "false",
  }, { body: encoder.encode(body) });
}

function pull(queueId: number, offset: number, suspend = false) {
  return javaRequest(RequestCode.PULL_MESSAGE, {
    consumerGroup: "cg",
    topic: TOPIC,
    queueId: String(queueId),
    queueOffset: String(offset),
    maxMsgNums: "32",
    sysFlag: String(suspend ? 6 : 4),
    commitOffset: "0",
    suspendTimeoutMillis: "10000",
    subscription: "*",
    subVersion: "0",
    expressionType: "TAG",
  });
}

interface Sent {
  msgId: string;
  queueId: number;
  queueOffset: number;
  body: string;
}

async function pullAll(client: WireClient, queueId: number): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let offset = 0;
  for (let round = 0; round < 50; round++) {
    const answer = await client.request(pull(queueId, offset));
    if (answer.code !== ResponseCode.SUCCESS) break;
    const messages = decodeStoredMessages(answer.body ?? new Uint8Array());
    // Queue offsets are contiguous: nothing lost or duplicated inside a queue.
    messages.forEach((m, i) => assert.equal(m.queueOffset, offset + i));
    for (const m of messages) found.set(m.msgId, decoder.decode(m.body));
    offset = Number(answer.extFields?.["nextBeginOffset"]);
  }
  return found;
}

async function sendAll(client: WireClient): Promise<Sent[]> {
  const sent: Sent[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const queueId = i % QUEUES;
    const body = `message-${i}-${"x".repeat(i * 3)}`;
    const answer = await client.request(send(queueId, body, `k-${i}`));
    assert.equal(answer.code, ResponseCode.SUCCESS, answer.remark);
    sent.push({
      msgId: answer.extFields?.["msgId"] ?? "",
      queueId,
      queueOffset: Number(answer.extFields?.["queueOffset"]),
      body,
    });
  }
  return sent;
}

async function viewById(client: WireClient, msgId: string): Promise<string | undefined> {
  const { offset } = decodeOffsetMessageId(msgId);
  const answer = await client.request(
    javaRequest(RequestCode.VIEW_MESSAGE_BY_ID, { offset: String(offset) }),
  );
  if (answer.code !== ResponseCode.SUCCESS) return undefined;
  const [message] = decodeStoredMessages(answer.body ?? new Uint8Array());
  assert.equal(message?.msgId, msgId);
  return decoder.decode(message?.body);
}

function queryByKey(key: string, begin: number, end: number) {
  return javaRequest(RequestCode.QUERY_MESSAGE, {
    topic: TOPIC,
    key,
    maxNum: "32",
    beginTimestamp: String(begin),
    endTimestamp: String(end),
  });
}

async function checkFirstRun(client: WireClient, sent: Sent[]): Promise<void> {
  const offsets = sent.map((s) => decodeOffsetMessageId(s.msgId).offset);
  assert.ok(offsets.some((o) => o < SHARD_OFFSET_SPAN), "no message on shard 0");
  assert.ok(offsets.some((o) => o >= SHARD_OFFSET_SPAN), "no message on shard 1");
  for (const s of sent) assert.equal(await viewById(client, s.msgId), s.body);
  const inside = await client.request(queryByKey("k-7", Date.now() - 60_000, Date.now() + 1000));
  assert.equal(inside.code, ResponseCode.SUCCESS, inside.remark);
  const hits = decodeStoredMessages(inside.body ?? new Uint8Array());
  assert.deepEqual(hits.map((m) => m.msgId), [sent[7]?.msgId]);
  const outside = await client.request(queryByKey("k-7", 1000, 2000));
  assert.equal(outside.code, ResponseCode.QUERY_NOT_FOUND);
  const committed = await client.request(javaRequest(RequestCode.UPDATE_CONSUMER_OFFSET, {
    consumerGroup: "cg",
    topic: TOPIC,
    queueId: "2",
    commitOffset: "9",
  }));
  assert.equal(committed.code, ResponseCode.SUCCESS);
}

Deno.test("broker keeps every message, msgId and consumer offset in the file store across a restart", async () => {
  const namesrv = await startNameServer();
  const storeDir = await Deno.makeTempDir({ prefix: "broker-store-restart-" });
  try {
    const first = await startBroker(namesrv.port, storeDir);
    const client = await WireClient.connect(first.port);
    const sent = await sendAll(client);
    await checkFirstRun(client, sent);
    await client.close();
    assert.equal((await first.stop()).code, 0);

    const second = await startBroker(namesrv.port, storeDir);
    const again = await WireClient.connect(second.port);
    try {
      const pulled = new Map<string, string>();
      for (let q = 0; q < QUEUES; q++) {
        for (const [id, body] of await pullAll(again, q)) pulled.set(id, body);
      }
      assert.equal(pulled.size, MESSAGES);
      for (const s of sent) assert.equal(pulled.get(s.msgId), s.body, s.msgId);
      for (const s of sent.slice(0, 8)) assert.equal(await viewById(again, s.msgId), s.body);
      const offset = await again.request(javaRequest(RequestCode.QUERY_CONSUMER_OFFSET, {
        consumerGroup: "cg",
        topic: TOPIC,
        queueId: "2",
      }));
      assert.equal(offset.extFields?.["offset"], "9");

      // Long poll on the restarted store: park at the end of queue 1, then send there.
      const parked = again.request(pull(1, MESSAGES / QUEUES, true), 8000);
      await new Promise((resolve) => setTimeout(resolve, 150));
      const started = Date.now();
      const more = await again.request(send(1, "after-restart", "k-after"));
      assert.equal(more.extFields?.["queueOffset"], String(MESSAGES / QUEUES));
      const woken = await parked;
      assert.equal(woken.code, ResponseCode.SUCCESS);
      assert.ok(Date.now() - started < 5000, `long poll woke after ${Date.now() - started} ms`);
      const [message] = decodeStoredMessages(woken.body ?? new Uint8Array());
      assert.equal(decoder.decode(message?.body), "after-restart");
    } finally {
      await again.close();
      assert.equal((await second.stop()).code, 0);
    }
  } finally {
    await namesrv.stop();
    await Deno.remove(storeDir, { recursive: true });
  }
});
