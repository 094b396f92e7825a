/**
 * SIGKILL of a SYNC_FLUSH broker while clients send. Goal: every send the broker acknowledged
 * is pullable after a restart on the same store with the same msgId and body; nothing torn is
 * visible (every pulled record decodes, has a valid body CRC and a body some sender sent, queue
 * offsets are contiguous); a consumer offset committed before the crash (and flushed by the
 * periodic offset flush) is still there. Method: a real `broker/main.ts` process with
 * `flushDiskType=SYNC_FLUSH`, two store shards, small segments and a 200 ms offset flush;
 * eight concurrent senders (at most 400 sends in all) over raw Java-shaped frames; the broker
 * is killed after a seeded number of acknowledgements, with sends still in flight.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import {
  decodeStoredMessages,
  readRecordSummary,
  SeededRandom,
  testSeed,
} from "../../common/mod.ts";
import { RequestCode, ResponseCode } from "../../remoting/mod.ts";
import {
  javaRequest,
  type RunningProcess,
  startNameServer,
  startProcess,
  WireClient,
} from "../harness.ts";

const BROKER_READY = /The broker\[[^,]+, [\d.]+:(\d+)\] boot success/;
const TOPIC = "crash_topic";
const QUEUES = 4;
const SENDERS = 8;
const SENDS_MAX = 400;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function startBroker(namesrvPort: number, storeDir: string): Promise<RunningProcess> {
  return startProcess({
    entry: "broker/main.ts",
    properties: {
      brokerName: "broker-c",
      brokerIP1: "127.0.0.1",
      bindAddress: "127.0.0.1",
      listenPort: "0",
      namesrvAddr: `127.0.0.1:${namesrvPort}`,
      storePathRootDir: storeDir,
      flushDiskType: "SYNC_FLUSH",
      shardCount: "2",
      maxMessageSize: "4096",
      mappedFileSizeCommitLog: "65536",
      flushConsumerOffsetInterval: "200",
    },
    readyPattern: BROKER_READY,
  });
}

function send(queueId: number, body: string) {
  return javaRequest(RequestCode.SEND_MESSAGE_V2, {
    a: "pg",
    b: TOPIC,
    c: "TBW102",
    d: String(QUEUES),
    e: String(queueId),
    f: "0",
    g: String(Date.now()),
    h: "0",
    i: `KEYS\u0001${body}\u0002WAIT\u0001true\u0002TAGS\u0001TagA`,
    j: "0",
    k: "false",
    m: "false",
  }, { body: encoder.encode(body) });
}

function pull(queueId: number, offset: number) {
  return javaRequest(RequestCode.PULL_MESSAGE, {
    consumerGroup: "cg",
    topic: TOPIC,
    queueId: String(queueId),
    queueOffset: String(offset),
    maxMsgNums: "32",
    sysFlag: "4",
    commitOffset: "0",
    suspendTimeoutMillis: "1000",
    subscription: "*",
    subVersion: "0",
    expressionType: "TAG",
  });
}

interface Acked {
  msgId: string;
  body: string;
}

/** Sends until `stop()` says so or the broker dies; records what was acknowledged. */
async function sender(
  port: number,
  index: number,
  state: { next: number; acked: Acked[]; stop: boolean },
): Promise<void> {
  const client = await WireClient.connect(port);
  try {
    while (!state.stop && state.next < SENDS_MAX) {
      const n = state.next++;
      const body = `s${index}-m${n}-${"p".repeat(n % 97)}`;
      let answer;
      try {
        answer = await client.request(send(n % QUEUES, body), 1500);
      } catch {
        return; // The broker was killed: the answer never came.
      }
      if (answer.code !== ResponseCode.SUCCESS) return;
      state.acked.push({ msgId: answer.extFields?.["msgId"] ?? "", body });
    }
  } finally {
    await client.close();
  }
}

async function pullQueue(client: WireClient, queueId: number, sentBodies: Set<string>) {
  const found = new Map<string, string>();
  let offset = 0;
  for (let round = 0; round < 100; round++) {
    const answer = await client.request(pull(queueId, offset));
    if (answer.code !== ResponseCode.SUCCESS) break;
    const body = answer.body ?? new Uint8Array();
    for (let pos = 0; pos < body.length;) {
      const summary = readRecordSummary(body, pos, { checkCrc: true });
      assert.ok(summary !== "blank" && summary !== "invalid", `torn record in queue ${queueId}`);
      pos += summary.totalSize;
    }
    const messages = decodeStoredMessages(body);
    messages.forEach((m, i) => {
      assert.equal(m.queueOffset, offset + i, "queue offsets are contiguous");
      const text = decoder.decode(m.body);
      assert.ok(sentBodies.has(text), `unknown body ${text.slice(0, 40)}`);
      found.set(m.msgId, text);
    });
    offset = Number(answer.extFields?.["nextBeginOffset"]);
  }
  return found;
}

async function commitOffset(port: number): Promise<void> {
  const client = await WireClient.connect(port);
  const answer = await client.request(javaRequest(RequestCode.UPDATE_CONSUMER_OFFSET, {
    consumerGroup: "cg",
    topic: TOPIC,
    queueId: "3",
    commitOffset: "5",
  }));
  assert.equal(answer.code, ResponseCode.SUCCESS);
  await client.close();
}

Deno.test("SYNC_FLUSH broker killed while clients send keeps every acknowledged message", async () => {
  const seed = testSeed();
  const random = new SeededRandom(seed);
  const killAfter = 60 + random.nextInt(140);
  const namesrv = await startNameServer();
  const storeDir = await Deno.makeTempDir({ prefix: "broker-sync-crash-" });
  try {
    const first = await startBroker(namesrv.port, storeDir);
    await commitOffset(first.port);
    await new Promise((resolve) => setTimeout(resolve, 600)); // > 2 offset-flush periods
    const state = { next: 0, acked: [] as Acked[], stop: false };
    const senders = Array.from({ length: SENDERS }, (_, i) => sender(first.port, i, state));
    for (let i = 0; i < 500 && state.acked.length < killAfter && state.next < SENDS_MAX; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await first.kill();
    state.stop = true;
    await Promise.all(senders);
    assert.ok(state.acked.length >= killAfter, `seed ${seed}: only ${state.acked.length} acked`);
    assert.ok(state.next > state.acked.length, `seed ${seed}: no send was in flight at the kill`);
    const sentBodies = new Set<string>();
    for (let n = 0; n < state.next; n++) {
      for (let s = 0; s < SENDERS; s++) sentBodies.add(`s${s}-m${n}-${"p".repeat(n % 97)}`);
    }

    const second = await startBroker(namesrv.port, storeDir);
    const client = await WireClient.connect(second.port);
    try {
      const pulled = new Map<string, string>();
      for (let q = 0; q < QUEUES; q++) {
        for (const [id, body] of await pullQueue(client, q, sentBodies)) pulled.set(id, body);
      }
      for (const a of state.acked) {
        assert.equal(pulled.get(a.msgId), a.body, `seed ${seed}: acknowledged ${a.msgId} lost`);
      }
      const offset = await client.request(javaRequest(RequestCode.QUERY_CONSUMER_OFFSET, {
        consumerGroup: "cg",
        topic: TOPIC,
        queueId: "3",
      }));
      assert.equal(offset.extFields?.["offset"], "5", `seed ${seed}`);
    } finally {
      await client.close();
      assert.equal((await second.stop()).code, 0);
    }
  } finally {
    await namesrv.stop();
    await Deno.remove(storeDir, { recursive: true });
  }
});
