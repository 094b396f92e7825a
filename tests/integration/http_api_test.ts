/**
 * Goal: the admin HTTP server answers over a real port with data of a running broker:
 * messages found by key, id and time, lag of a group, metrics text. Method: name server,
 * broker and `startAdminHttp` in this process on free ports; a client Producer sends; the
 * test reads with `fetch`.
 */
import assert from "node:assert/strict";
import { startBroker } from "../../broker/mod.ts";
import { Producer } from "../../client/mod.ts";
import { startAdminHttp } from "../../http/mod.ts";
import { startNameServer } from "../../namesrv/mod.ts";

Deno.test("startAdminHttp() serves messages, lag and metrics of a running broker", async () => {
  const namesrv = await startNameServer({
    overrides: { listenPort: "0", bindAddress: "127.0.0.1" },
  });
  const namesrvAddr = `127.0.0.1:${namesrv.port}`;
  const broker = await startBroker({
    config: {
      listenPort: 0,
      bindAddress: "127.0.0.1",
      brokerIP1: "127.0.0.1",
      brokerName: "broker-a",
      namesrvAddr,
    },
    tempStore: true,
  });
  const http = await startAdminHttp({
    controller: broker.controller,
    port: 0,
    sampleIntervalMs: 60_000,
  });
  const base = `http://127.0.0.1:${http.port}`;
  const producer = new Producer({
    namesrvAddr,
    groupName: "HttpProducer",
    instanceName: "http-api-test",
  });
  try {
    const created = await fetch(`${base}/api/topics/WebTopic`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ readQueueNums: 2, writeQueueNums: 2 }),
    });
    assert.equal(created.status, 200);
    await created.body?.cancel();
    await producer.start();
    const before = Date.now() - 1000;
    let lastId = "";
    for (let i = 0; i < 4; i++) {
      const r = await producer.send({
        topic: "WebTopic",
        body: `web-${i}`,
        keys: `k${i % 2}`,
        tags: "T",
      });
      lastId = r.offsetMsgId;
    }
    const byKey = await (await fetch(`${base}/api/messages?topic=WebTopic&key=k1`)).json();
    assert.deepEqual(byKey.map((m: { body: string }) => m.body).sort(), ["web-1", "web-3"]);
    const byId = await (await fetch(`${base}/api/messages?id=${lastId}`)).json();
    assert.equal(byId[0].body, "web-3");
    const byTime = await (await fetch(`${base}/api/messages?topic=WebTopic&begin=${before}`))
      .json();
    assert.equal(byTime.length, 4);
    broker.controller.offsets.commitOffset("WebGroup", "WebTopic", 0, 1);
    broker.controller.offsets.commitOffset("WebGroup", "WebTopic", 1, 0);
    const group = await (await fetch(`${base}/api/groups/WebGroup`)).json();
    assert.equal(group.lag, 3);
    await http.sampler.sample();
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /rocketmq_group_diff\{[^}]*group="WebGroup",topic="WebTopic"[^}]*\} 3/);
    assert.match(metrics, /rocketmq_producer_offset\{[^}]*topic="WebTopic"\} 4/);
    assert.match(metrics, /rocketmq_brokeruntime_msg_put_total_today_now\{[^}]*\} 4/);
  } finally {
    await producer.shutdown();
    await http.close();
    await broker.close();
    await namesrv.close();
  }
});
