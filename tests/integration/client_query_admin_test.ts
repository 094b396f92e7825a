/**
 * Message queries through our AdminClient against a real broker, after a broker restart (the
 * index and queues are read back from disk): by offset message id (VIEW_MESSAGE_BY_ID), by
 * unique key (the client msgId, QUERY_MESSAGE with `_UNIQUE_KEY_QUERY`), by key within a
 * store-time range (and nothing outside it), by queue offset (one pull) and queue offset by
 * store time (SEARCH_OFFSET_BY_TIMESTAMP). Method: a name server and a broker as child
 * processes; the broker keeps its store folder and port (offset ids carry the address) across
 * a SIGTERM and a new start with a new name server; our Producer and AdminClient in this
 * process.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { AdminClient, Producer } from "../../client/mod.ts";
import type { MessageQueue, SendResult } from "../../client/mod.ts";
import { type ClientCluster, freeBrokerPort, startClientCluster, text } from "./_client_cluster.ts";

Deno.test("AdminClient finds messages by offset id, unique key, key and time, queue offset and timestamp after a restart", async () => {
  const storeDir = await Deno.makeTempDir({ prefix: "client-query-" });
  const properties = { storePathRootDir: storeDir, listenPort: String(freeBrokerPort()) };
  const topic = "it_query";
  let cluster: ClientCluster | undefined = await startClientCluster(properties);
  const sent: SendResult[] = [];
  let mq: MessageQueue = { topic, brokerName: "broker-a", queueId: 1 };
  const begin = Date.now();
  const producer = new Producer({ ...cluster.options("query-p"), groupName: "it_query_pg" });
  try {
    await cluster.createTopic(topic, 2);
    await producer.start();
    for (let i = 0; i < 6; i++) {
      sent.push(
        await producer.send({ topic, body: `q${i}`, keys: [`order-${i}`, "shared"] }, {
          queue: mq,
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    mq = sent[0]!.messageQueue;
    await producer.shutdown();
    await cluster.stop();
    cluster = undefined;
    const end = Date.now();

    cluster = await startClientCluster(properties);
    const admin = new AdminClient(cluster.options("query-admin"));
    await admin.start();
    try {
      const byId = await admin.viewMessage(sent[3]!.offsetMsgId);
      assert.equal(text(byId.body), "q3");
      assert.equal(byId.queueOffset, 3);
      const byUniq = await admin.queryMessage(topic, sent[2]!.msgId, { uniqueKey: true });
      assert.deepEqual(byUniq.map((m) => text(m.body)), ["q2"]);
      const byKey = await admin.queryMessage(topic, "order-4");
      assert.deepEqual(byKey.map((m) => m.msgId), [sent[4]!.msgId]);
      const range = { beginTimestamp: begin - 1000, endTimestamp: end + 1000 };
      const shared = await admin.queryMessage(topic, "shared", range);
      assert.deepEqual(shared.map((m) => text(m.body)).sort(), [
        "q0",
        "q1",
        "q2",
        "q3",
        "q4",
        "q5",
      ]);
      const outside = { beginTimestamp: 1000, endTimestamp: 2000 };
      assert.deepEqual(await admin.queryMessage(topic, "shared", outside), []);
      assert.equal(text((await admin.viewMessageAt(mq, 5))!.body), "q5");
      assert.equal(await admin.viewMessageAt(mq, 6), undefined);
      assert.equal(await admin.searchOffset(mq, byId.storeTimestamp), 3);
      assert.equal(await admin.searchOffset(mq, begin - 60_000), 0);
    } finally {
      await admin.shutdown();
    }
  } finally {
    await producer.shutdown();
    await cluster?.stop();
    await Deno.remove(storeDir, { recursive: true });
  }
});
