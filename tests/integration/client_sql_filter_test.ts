/**
 * SQL92 subscriptions through our PushConsumer with real processes: the
 * expression travels in heartbeats and pulls (`expressionType` SQL92) and
 * only matching messages arrive; a broker without `enablePropertyFilter`
 * refuses the subscription at `start()` (CHECK_CLIENT_CONFIG). Method: a
 * name server and a broker as child processes, our client in this process.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { MessageSelector, MQClientError, Producer, PushConsumer } from "../../client/mod.ts";
import { waitFor } from "../harness.ts";
import { startClientCluster, text } from "./_client_cluster.ts";

Deno.test("PushConsumer with an SQL92 subscription receives only matching messages", async () => {
  const cluster = await startClientCluster({ enablePropertyFilter: "true" });
  const topic = "it_sql";
  const received: string[] = [];
  const producer = new Producer({ ...cluster.options("sql-p"), groupName: "it_sql_pg" });
  const consumer = new PushConsumer({
    ...cluster.options("sql-c"),
    groupName: "it_sql_cg",
    consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
    suspendTimeoutMs: 1000,
    listener: (messages) => {
      for (const m of messages) received.push(text(m.body));
    },
  }).subscribe(topic, MessageSelector.bySql("a > 5 AND region IN ('eu', 'us')"));
  try {
    await cluster.createTopic(topic, 2);
    await consumer.start();
    await producer.start();
    const cases: [string, Record<string, string>][] = [
      ["match-1", { a: "6", region: "eu" }],
      ["low", { a: "5", region: "eu" }],
      ["other-region", { a: "9", region: "asia" }],
      ["no-props", {}],
      ["match-2", { a: "100", region: "us" }],
    ];
    for (const [body, properties] of cases) {
      await producer.send({ topic, body, properties, tags: "T" });
    }
    await waitFor(() => received.length >= 2, { timeoutMs: 10_000, message: "the matches" });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.deepEqual(received.sort(), ["match-1", "match-2"]);
  } finally {
    await consumer.shutdown();
    await producer.shutdown();
    await cluster.stop();
  }
});

Deno.test("PushConsumer.start() fails when the broker does not filter by SQL92", async () => {
  const cluster = await startClientCluster();
  const topic = "it_sql_off";
  const consumer = new PushConsumer({
    ...cluster.options("sql-off"),
    groupName: "it_sql_off_cg",
    listener: () => {},
  }).subscribe(topic, { sql: "a > 5" });
  try {
    await cluster.createTopic(topic, 1);
    await assert.rejects(() => consumer.start(), (error: unknown) => {
      assert.ok(error instanceof MQClientError);
      assert.match(error.message, /refuses the SQL92 subscription/);
      return true;
    });
  } finally {
    await consumer.shutdown();
    await cluster.stop();
  }
});

Deno.test("PushConsumer.subscribe() refuses SQL that does not parse", () => {
  const consumer = new PushConsumer({ namesrvAddr: "127.0.0.1:1", groupName: "g" });
  assert.throws(() => consumer.subscribe("T", { sql: "a >" }), TypeError);
});
