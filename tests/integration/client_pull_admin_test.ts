/**
 * End to end with real processes: the lite PullConsumer (assign, poll, seek,
 * commit, committed offsets seen by the next consumer; subscribe with
 * rebalance) and the AdminClient (cluster info, routes, topic and consume
 * stats, query by key, view by id, broker runtime info and config).
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { AdminClient, Producer, PullConsumer } from "../../client/mod.ts";
import type { MessageView } from "../../client/mod.ts";
import { waitFor } from "../harness.ts";
import { startClientCluster, text } from "./_client_cluster.ts";

async function pollUntil(consumer: PullConsumer, count: number): Promise<MessageView[]> {
  const got: MessageView[] = [];
  for (let round = 0; round < 40 && got.length < count; round++) {
    got.push(...await consumer.poll(500));
  }
  return got;
}

Deno.test("PullConsumer assigns, polls, seeks and commits offsets a later consumer resumes from", async () => {
  const cluster = await startClientCluster();
  const producer = new Producer({ ...cluster.options("lite-p"), groupName: "lite_pg" });
  try {
    const topic = "it_lite";
    await cluster.createTopic(topic, 2);
    await producer.start();
    for (let i = 0; i < 20; i++) {
      await producer.send({ topic, body: `m-${i}` }, {
        queue: { topic, brokerName: "broker-a", queueId: 0 },
      });
    }
    const first = new PullConsumer({
      ...cluster.options("lite-c1"),
      groupName: "lite_group",
      autoCommit: false,
      suspendTimeoutMs: 3000,
    });
    const mq = { topic, brokerName: "broker-a", queueId: 0 };
    try {
      await first.start();
      assert.equal((await first.fetchMessageQueues(topic)).length, 2);
      await first.assign([mq]);
      // A failed start (broker busy) is retried by the next periodic rebalance.
      await waitFor(() => first.assignment().length === 1, { timeoutMs: 10_000 });
      await first.seek(mq, 0);
      const all = await pollUntil(first, 20);
      assert.deepEqual(
        all.map((m) => text(m.body)),
        Array.from({ length: 20 }, (_, i) => `m-${i}`),
      );
      await first.seek(mq, 15);
      const tail = await pollUntil(first, 5);
      assert.deepEqual(tail.map((m) => m.queueOffset), [15, 16, 17, 18, 19]);
      await first.commit();
      assert.equal(await first.committed(mq), 20);
    } finally {
      await first.shutdown();
    }
    await producer.send({ topic, body: "after" }, { queue: mq });
    const second = new PullConsumer({
      ...cluster.options("lite-c2"),
      groupName: "lite_group",
      suspendTimeoutMs: 3000,
    });
    try {
      second.subscribe(topic);
      await second.start();
      const next = await pollUntil(second, 1);
      assert.deepEqual(next.map((m) => text(m.body)), ["after"]);
    } finally {
      await second.shutdown();
    }
  } finally {
    await producer.shutdown();
    await cluster.stop();
  }
});

Deno.test("AdminClient reads cluster, routes, stats and messages from a real broker", async () => {
  const cluster = await startClientCluster();
  const admin = new AdminClient(cluster.options("admin"));
  const producer = new Producer({ ...cluster.options("admin-p"), groupName: "admin_pg" });
  try {
    await admin.start();
    const topic = "it_admin";
    await cluster.createTopic(topic, 3);
    const info = await admin.clusterInfo();
    assert.equal(info.brokerAddrTable.get("broker-a")?.brokerAddrs.get(0), cluster.brokerAddr);
    assert.ok((await admin.topicList()).includes(topic));
    const route = await admin.topicRoute(topic);
    assert.equal(route.queueDatas[0]?.readQueueNums, 3);

    await producer.start();
    const sent = await producer.send({ topic, body: "find me", keys: ["order-7"] });
    const stats = await admin.topicStats(topic);
    assert.equal(stats.length, 3);
    assert.equal(stats.reduce((sum, s) => sum + s.maxOffset, 0), 1);

    const byKey = await admin.queryMessage(topic, "order-7");
    assert.deepEqual(byKey.map((m) => m.msgId), [sent.msgId]);
    const byId = await admin.viewMessage(sent.offsetMsgId);
    assert.equal(text(byId.body), "find me");

    const runtime = await admin.brokerRuntimeInfo(cluster.brokerAddr);
    assert.ok(Object.keys(runtime).length > 0);
    const config = await admin.brokerConfig(cluster.brokerAddr);
    assert.equal(config.brokerName, "broker-a");

    await admin.createSubscriptionGroup("admin_group", { clusterName: "DefaultCluster" });
    const progress = await admin.consumeStats("admin_group", topic);
    assert.ok(Array.isArray(progress));
    await admin.deleteSubscriptionGroup("admin_group", { brokerAddr: cluster.brokerAddr });
    await admin.deleteTopic(topic, { clusterName: "DefaultCluster" });
    assert.ok(!(await admin.topicList()).includes(topic));
  } finally {
    await producer.shutdown();
    await admin.shutdown();
    await cluster.stop();
  }
});
