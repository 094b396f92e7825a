/**
 * Goal: every family of `/metrics` carries the data of a running broker. Method: name server,
 * broker and admin HTTP in this process on free ports; a Producer sends 6 messages of 100-byte
 * bodies, a PullConsumer pulls them; the sampler is stepped by hand (two points), then each
 * family is read from `/metrics` and compared with what was sent and pulled. A second test
 * runs a master and a slave in process and reads the replication families on both.
 */
import assert from "node:assert/strict";
import { startBroker } from "../../broker/mod.ts";
import { Producer, PullConsumer } from "../../client/mod.ts";
import { startAdminHttp } from "../../http/mod.ts";
import { startNameServer } from "../../namesrv/mod.ts";

/** The value of the first sample of `name` whose labels contain every `labels` pair. */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (ok) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  throw new Error(`No sample ${name} ${JSON.stringify(labels)} in /metrics`);
}

async function sendAndPull(namesrvAddr: string, scrape: () => Promise<string>): Promise<void> {
  const producer = new Producer({ namesrvAddr, groupName: "MetricsP", instanceName: "metrics" });
  const consumer = new PullConsumer({
    namesrvAddr,
    groupName: "MetricsG",
    instanceName: "metrics",
    autoCommit: false,
    suspendTimeoutMs: 1000,
  });
  const mq = { topic: "MetricsTopic", brokerName: "broker-m", queueId: 0 };
  try {
    await producer.start();
    for (let i = 0; i < 6; i++) {
      await producer.send({ topic: "MetricsTopic", body: "x".repeat(100) }, { queue: mq });
    }
    await consumer.start();
    await consumer.assign([mq]);
    await consumer.seek(mq, 0);
    let got = 0;
    for (let round = 0; round < 40 && got < 6; round++) got += (await consumer.poll(500)).length;
    assert.equal(got, 6);
    const live = await scrape();
    assert.ok(value(live, "rocketmq_connections", { type: "producer" }) >= 1);
    assert.ok(value(live, "rocketmq_connections", { type: "consumer" }) >= 1);
    assert.ok(value(live, "rocketmq_group_count", { group: "MetricsG" }) >= 1);
  } finally {
    await consumer.shutdown();
    await producer.shutdown();
  }
}

Deno.test("/metrics reports traffic, latency, lag, store and process figures of a running broker", async () => {
  const namesrv = await startNameServer({
    overrides: { listenPort: "0", bindAddress: "127.0.0.1" },
  });
  const namesrvAddr = `127.0.0.1:${namesrv.port}`;
  const broker = await startBroker({
    config: {
      listenPort: 0,
      bindAddress: "127.0.0.1",
      brokerIP1: "127.0.0.1",
      brokerName: "broker-m",
      namesrvAddr,
    },
    tempStore: true,
  });
  const http = await startAdminHttp({
    controller: broker.controller,
    port: 0,
    sampleIntervalMs: 600_000,
  });
  try {
    const base = `http://127.0.0.1:${http.port}`;
    const created = await fetch(`${base}/api/topics/MetricsTopic`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ readQueueNums: 1, writeQueueNums: 1 }),
    });
    assert.equal(created.status, 200);
    await created.body?.cancel();
    await http.sampler.sample();
    await sendAndPull(namesrvAddr, async () => await (await fetch(`${base}/metrics`)).text());
    broker.controller.offsets.commitOffset("MetricsG", "MetricsTopic", 0, 2);
    await http.sampler.sample();
    const text = await (await fetch(`${base}/metrics`)).text();
    const topic = { topic: "MetricsTopic" };
    const pair = { group: "MetricsG", topic: "MetricsTopic" };
    assert.ok(value(text, "rocketmq_producer_tps", topic) > 0);
    assert.ok(value(text, "rocketmq_producer_message_size", topic) > 0);
    assert.equal(value(text, "rocketmq_producer_offset", topic), 6);
    assert.ok(value(text, "rocketmq_consumer_tps", pair) > 0);
    assert.ok(value(text, "rocketmq_consumer_message_size", pair) > 0);
    assert.equal(value(text, "rocketmq_consumer_offset", pair), 2);
    assert.equal(value(text, "rocketmq_group_diff", pair), 4);
    assert.ok(value(text, "rocketmq_broker_tps") > 0);
    assert.ok(value(text, "rocketmq_broker_qps") > 0);
    assert.equal(value(text, "rocketmq_brokeruntime_msg_put_total_today_now"), 6);
    assert.ok(value(text, "rocketmq_brokeruntime_msg_gettotal_today_now") >= 6);
    assert.equal(value(text, "rocketmq_brokeruntime_put_message_size_total"), 600);
    assert.ok(value(text, "rocketmq_brokeruntime_putmessage_entire_time_max") > 0);
    assert.ok(value(text, "rocketmq_brokeruntime_getmessage_entire_time_max") > 0);
    assert.equal(value(text, "rocketmq_send_latency_seconds_count"), 6);
    assert.equal(value(text, "rocketmq_send_latency_seconds_bucket", { le: "+Inf" }), 6);
    assert.ok(value(text, "rocketmq_pull_latency_seconds_count") >= 1);
    assert.ok(value(text, "rocketmq_brokeruntime_commitlog_maxoffset") > 600);
    assert.ok(value(text, "rocketmq_store_size_bytes", { kind: "commitlog" }) > 600);
    assert.ok(value(text, "rocketmq_store_size_bytes", { kind: "consumequeue" }) > 0);
    const ratio = value(text, "rocketmq_brokeruntime_commitlog_disk_ratio");
    assert.ok(ratio > 0 && ratio < 1, `disk ratio ${ratio}`);
    assert.ok(
      value(text, "rocketmq_store_disk_total_bytes") >
        value(text, "rocketmq_store_disk_free_bytes"),
    );
    assert.ok(value(text, "rocketmq_store_flush_latency_seconds_count") >= 1);
    assert.equal(value(text, "rocketmq_ha_connections", { role: "master" }), 0);
    assert.ok(value(text, "process_resident_memory_bytes") > 1_000_000);
    assert.ok(value(text, "rocketmq_process_event_loop_delay_seconds_count") >= 0);
    assert.match(text, /# TYPE rocketmq_send_latency_seconds histogram/);
  } finally {
    await http.close();
    await broker.close();
    await namesrv.close();
  }
});

Deno.test("/metrics reports replication links and slave lag on a master and its slave", async () => {
  const master = await startBroker({
    config: {
      listenPort: 0,
      bindAddress: "127.0.0.1",
      brokerIP1: "127.0.0.1",
      brokerIP2: "127.0.0.1",
      brokerName: "broker-r",
      haSendHeartbeatInterval: 200,
    },
    tempStore: true,
  });
  const slave = await startBroker({
    config: {
      listenPort: 0,
      bindAddress: "127.0.0.1",
      brokerIP1: "127.0.0.1",
      brokerName: "broker-r",
      brokerId: 1,
      brokerRole: "SLAVE",
      haMasterAddress: `127.0.0.1:${master.settings.haListenPort}`,
      haSendHeartbeatInterval: 200,
    },
    tempStore: true,
  });
  const masterHttp = await startAdminHttp({
    controller: master.controller,
    port: 0,
    sampleIntervalMs: 600_000,
  });
  const slaveHttp = await startAdminHttp({
    controller: slave.controller,
    port: 0,
    sampleIntervalMs: 600_000,
  });
  const scrape = async (port: number) =>
    await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  try {
    let m = "";
    for (let i = 0; i < 100; i++) {
      m = await scrape(masterHttp.port);
      if (value(m, "rocketmq_ha_connections", { role: "master" }) === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(value(m, "rocketmq_ha_connections", { role: "master" }), 1);
    const behind = value(m, "rocketmq_ha_slave_fall_behind_bytes", { role: "master" });
    assert.ok(behind >= 0, `behind ${behind}`);
    assert.ok(value(m, "rocketmq_ha_peer_idle_seconds", { role: "master" }) >= 0);
    const s = await scrape(slaveHttp.port);
    assert.equal(value(s, "rocketmq_ha_connections", { role: "slave" }), 1);
    assert.match(
      s,
      new RegExp(
        `rocketmq_ha_peer_idle_seconds\\{[^}]*peer="127\\.0\\.0\\.1:${master.settings.haListenPort}"`,
      ),
    );
  } finally {
    await slaveHttp.close();
    await masterHttp.close();
    await slave.close();
    await master.close();
  }
});
