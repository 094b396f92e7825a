/**
 * End-to-end tests of the broker process over a raw wire client, with frames shaped as the
 * Java 4.9.4 client sends them: send then pull returns the same bytes, long polling wakes on a
 * send, offsets survive a restart, SIGTERM exits 0 and unregisters from the name server, and
 * bad input never takes the broker down. Method: real `namesrv/main.ts` and `broker/main.ts`
 * child processes on 127.0.0.1 and free ports (tests/harness.ts).
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { decodeStoredMessages } from "../../common/mod.ts";
import { RequestCode, ResponseCode } from "../../remoting/mod.ts";
import {
  javaRequest,
  type RunningProcess,
  startNameServer,
  startProcess,
  WireClient,
} from "../harness.ts";

const BROKER_READY = /The broker\[[^,]+, [\d.]+:(\d+)\] boot success/;

function startBrokerProcess(namesrvPort: number, storeDir?: string): Promise<RunningProcess> {
  return startProcess({
    entry: "broker/main.ts",
    properties: {
      brokerName: "broker-t",
      brokerIP1: "127.0.0.1",
      bindAddress: "127.0.0.1",
      listenPort: "0",
      namesrvAddr: `127.0.0.1:${namesrvPort}`,
      storePathRootDir: storeDir ?? "${tempDir}/store",
    },
    readyPattern: BROKER_READY,
  });
}

function sendV2(topic: string, body: string, queueId = 0) {
  return javaRequest(RequestCode.SEND_MESSAGE_V2, {
    a: "pg",
    b: topic,
    c: "TBW102",
    d: "4",
    e: String(queueId),
    f: "0",
    g: String(Date.now()),
    h: "0",
    i: "KEYS\u0001k1\u0002WAIT\u0001true\u0002TAGS\u0001TagA",
    j: "0",
    k: "false",
    m: "false",
  }, { body: new TextEncoder().encode(body) });
}

function pull(topic: string, offset: number, options: { suspend?: boolean; group?: string } = {}) {
  return javaRequest(RequestCode.PULL_MESSAGE, {
    consumerGroup: options.group ?? "cg",
    topic,
    queueId: "0",
    queueOffset: String(offset),
    maxMsgNums: "32",
    sysFlag: String(options.suspend === true ? 6 : 4),
    commitOffset: "0",
    suspendTimeoutMillis: "20000",
    subscription: "*",
    subVersion: "0",
    expressionType: "TAG",
  });
}

Deno.test("broker process serves send, pull, long poll and survives bad input", async () => {
  const namesrv = await startNameServer();
  const broker = await startBrokerProcess(namesrv.port);
  const client = await WireClient.connect(broker.port);
  try {
    const sent = await client.request(sendV2("wire_topic", "hello"));
    assert.equal(sent.code, ResponseCode.SUCCESS, sent.remark);
    for (const key of ["msgId", "queueId", "queueOffset", "MSG_REGION", "TRACE_ON"]) {
      assert.ok(sent.extFields?.[key] !== undefined, `send response lacks ${key}`);
    }
    assert.equal(sent.extFields?.["MSG_REGION"], "DefaultRegion");

    const pulled = await client.request(pull("wire_topic", 0));
    assert.equal(pulled.code, ResponseCode.SUCCESS, pulled.remark);
    assert.equal(pulled.extFields?.["nextBeginOffset"], "1");
    assert.equal(pulled.extFields?.["maxOffset"], "1");
    assert.equal(pulled.extFields?.["suggestWhichBrokerId"], "0");
    const messages = decodeStoredMessages(pulled.body ?? new Uint8Array());
    assert.equal(messages.length, 1);
    assert.equal(new TextDecoder().decode(messages[0]?.body), "hello");
    assert.equal(messages[0]?.msgId, sent.extFields?.["msgId"]);

    // Long poll: park a pull at the end of the queue, then send; the pull must wake.
    const parked = client.request(pull("wire_topic", 1, { suspend: true }), 15_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await client.request(sendV2("wire_topic", "second"));
    const woken = await parked;
    assert.equal(woken.code, ResponseCode.SUCCESS);
    assert.equal(decodeStoredMessages(woken.body ?? new Uint8Array()).length, 1);

    const unknown = await client.request(javaRequest(9999));
    assert.equal(unknown.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    const badHeader = await client.request(
      javaRequest(RequestCode.GET_MAX_OFFSET, { topic: "t", queueId: "x" }),
    );
    assert.equal(badHeader.code, ResponseCode.INVALID_PARAMETER);
    assert.ok((badHeader.remark ?? "").includes("queueId"));
    const badBody = await client.request(
      javaRequest(RequestCode.HEART_BEAT, undefined, { body: new TextEncoder().encode("{no") }),
    );
    assert.equal(badBody.code, ResponseCode.SYSTEM_ERROR);
    const huge = sendV2("wire_topic", "x".repeat(4 * 1024 * 1024 + 1));
    const tooBig = await client.request(huge, 10_000);
    assert.equal(tooBig.code, ResponseCode.MESSAGE_ILLEGAL);
    const max = await client.request(
      javaRequest(RequestCode.GET_MAX_OFFSET, { topic: "wire_topic", queueId: "0" }),
    );
    assert.equal(max.extFields?.["offset"], "2");

    const garbage = await WireClient.connect(broker.port);
    await garbage.sendRaw(new Uint8Array([0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]));
    for (let i = 0; i < 100 && !garbage.isClosed; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(garbage.isClosed, true);
    await garbage.close();
    const stillAlive = await client.request(
      javaRequest(RequestCode.GET_MIN_OFFSET, { topic: "wire_topic", queueId: "0" }),
    );
    assert.equal(stillAlive.code, ResponseCode.SUCCESS);
  } finally {
    await client.close();
    await broker.stop();
    await namesrv.stop();
  }
});

Deno.test("broker process keeps consumer offsets across a restart and unregisters on SIGTERM", async () => {
  const namesrv = await startNameServer();
  const storeDir = await Deno.makeTempDir({ prefix: "broker-restart-" });
  try {
    const first = await startBrokerProcess(namesrv.port, storeDir);
    const client = await WireClient.connect(first.port);
    await client.send(javaRequest(RequestCode.UPDATE_CONSUMER_OFFSET, {
      consumerGroup: "cg",
      topic: "TBW102",
      queueId: "1",
      commitOffset: "42",
    }, { oneway: true }));
    const synced = await client.request(
      javaRequest(RequestCode.QUERY_CONSUMER_OFFSET, {
        consumerGroup: "cg",
        topic: "TBW102",
        queueId: "1",
      }),
    );
    assert.equal(synced.extFields?.["offset"], "42");
    await client.close();

    const ns = await WireClient.connect(namesrv.port);
    const routeBefore = await ns.request(
      javaRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: "TBW102" }),
    );
    assert.equal(routeBefore.code, ResponseCode.SUCCESS);
    const status = await first.stop();
    assert.equal(status.code, 0);
    const routeAfter = await ns.request(
      javaRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: "TBW102" }),
    );
    assert.equal(routeAfter.code, ResponseCode.TOPIC_NOT_EXIST);
    await ns.close();

    const second = await startBrokerProcess(namesrv.port, storeDir);
    const again = await WireClient.connect(second.port);
    const restored = await again.request(
      javaRequest(RequestCode.QUERY_CONSUMER_OFFSET, {
        consumerGroup: "cg",
        topic: "TBW102",
        queueId: "1",
      }),
    );
    assert.equal(restored.extFields?.["offset"], "42");
    await again.close();
    assert.equal((await second.stop()).code, 0);
  } finally {
    await namesrv.stop();
    await Deno.remove(storeDir, { recursive: true });
  }
});
