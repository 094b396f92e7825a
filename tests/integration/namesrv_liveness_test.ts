/**
 * Integration: broker liveness and independent name servers. Goal: a broker
 * that stops talking is dropped after `brokerChannelExpiredTime` while one
 * that heartbeats stays, and two name servers side by side keep separate
 * state. Method: name-server processes with a 400 ms expiry and a 50 ms scan;
 * brokers keep their TCP connections open but fall silent; every wait is a
 * bounded poll.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import {
  javaRequest,
  registerBrokerRequest,
  startNameServer,
  waitFor,
  WireClient,
} from "../harness.ts";

const FAST_EXPIRY = { brokerChannelExpiredTime: "400", scanNotActiveBrokerInterval: "50" };

Deno.test("mqnamesrv drops a silent broker after brokerChannelExpiredTime and keeps a heartbeating one", async () => {
  const ns = await startNameServer(FAST_EXPIRY);
  const silent = await WireClient.connect(ns.port);
  const alive = await WireClient.connect(ns.port);
  const client = await WireClient.connect(ns.port);
  try {
    await silent.request(
      registerBrokerRequest({ topics: [{ name: "SilentTopic" }, { name: "X" }] }),
    );
    await alive.request(registerBrokerRequest({
      brokerName: "broker-b",
      brokerAddr: "127.0.0.1:20911",
      topics: [{ name: "AliveTopic" }, { name: "Y" }],
    }));
    const heartbeat = {
      clusterName: "DefaultCluster",
      brokerAddr: "127.0.0.1:20911",
      brokerName: "broker-b",
    };
    const started = performance.now();
    await waitFor(async () => {
      const hb = await alive.request(javaRequest(904, heartbeat));
      assert.equal(hb.code, 0);
      const route = await client.request(javaRequest(105, { topic: "SilentTopic" }));
      return route.code === 17;
    }, { timeoutMs: 4000, intervalMs: 100, message: "silent broker expired" });
    assert.ok(performance.now() - started >= 300, "not dropped before its expiry");
    assert.ok(await silent.waitClosed(2000), "the expired broker's connection is closed");
    const route = await client.request(javaRequest(105, { topic: "AliveTopic" }));
    assert.equal(route.code, 0, "the heartbeating broker is kept");
  } finally {
    await silent.close();
    await alive.close();
    await client.close();
    assert.equal((await ns.stop()).code, 0);
  }
});

Deno.test("mqnamesrv QUERY_DATA_VERSION reports changes and counts as a heartbeat", async () => {
  const ns = await startNameServer(FAST_EXPIRY);
  const broker = await WireClient.connect(ns.port);
  try {
    await broker.request(registerBrokerRequest({ counter: 5 }));
    const header = {
      brokerName: "broker-a",
      brokerAddr: "127.0.0.1:10911",
      clusterName: "DefaultCluster",
      brokerId: "0",
    };
    const same = new TextEncoder().encode('{"counter":5,"timestamp":1795591218016}');
    for (let i = 0; i < 8; i++) {
      const response = await broker.request(javaRequest(322, header, { body: same }));
      assert.deepEqual(response.extFields, { changed: "false" });
      assert.equal(
        new TextDecoder().decode(response.body),
        '{"counter":5,"timestamp":1795591218016}',
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const route = await broker.request(javaRequest(105, { topic: "TopicTest" }));
    assert.equal(route.code, 0, "still registered after 800 ms thanks to the queries");
    const newer = new TextEncoder().encode('{"counter":6,"timestamp":1795591218016}');
    const changed = await broker.request(javaRequest(322, header, { body: newer }));
    assert.deepEqual(changed.extFields, { changed: "true" });
  } finally {
    await broker.close();
    assert.equal((await ns.stop()).code, 0);
  }
});

Deno.test("two mqnamesrv processes side by side keep independent state", async () => {
  const [first, second] = await Promise.all([startNameServer(), startNameServer()]);
  assert.notEqual(first.port, second.port);
  const broker1 = await WireClient.connect(first.port);
  const broker2 = await WireClient.connect(second.port);
  try {
    for (const conn of [broker1, broker2]) {
      assert.equal((await conn.request(registerBrokerRequest())).code, 0);
    }
    const unregister = {
      brokerId: "0",
      clusterName: "DefaultCluster",
      brokerAddr: "127.0.0.1:10911",
      brokerName: "broker-a",
    };
    assert.equal((await broker1.request(javaRequest(104, unregister))).code, 0);
    const gone = await broker1.request(javaRequest(105, { topic: "TopicTest" }));
    const kept = await broker2.request(javaRequest(105, { topic: "TopicTest" }));
    assert.equal(gone.code, 17);
    assert.equal(kept.code, 0);
  } finally {
    await broker1.close();
    await broker2.close();
    assert.equal((await first.stop()).code, 0);
    assert.equal((await second.stop()).code, 0);
  }
});
