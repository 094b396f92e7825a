/**
 * ali-ons 3.12.0 (npm, test-only) driving the messaging semantics it supports against our name
 * server and broker. Goals: (1) an ali-ons consumer whose handler always fails for one message
 * sends it back (CONSUMER_SEND_MSG_BACK with its `maxReconsumeTimes` 2) and gets it again through
 * `%RETRY%<group>` with growing reconsume counts, 3 deliveries in all, after which it is in
 * `%DLQ%<group>` (read by our PushConsumer) with its original topic in RETRY_TOPIC, and not
 * delivered again; (2) an ali-ons SQL92 subscription (`{ expressionType: "SQL92" }`) receives
 * only the ali-ons messages whose properties match, and a tag subscription (`TagB || TagX`)
 * only its tag; (3) ali-ons ordered sends (`shardingKey`)
 * put each key in one queue in send order, which our orderly PushConsumer reads in order;
 * (4) half messages sent by ali-ons (`TRAN_MSG` property: ali-ons sets the prepared sysFlag but
 * has no END_TRANSACTION or check listener) stay invisible until the broker's check reaches the
 * live producer of the message's `PGROUP` (our TransactionProducer, sharing the client instance of
 * a consumer so its heartbeats reach the broker), which commits one and rolls
 * back the other. Method: a name server and a broker as child processes (short delay levels,
 * `enablePropertyFilter=true`, fast transaction checks); the clients in this process.
 *
 * ali-ons keeps internal timers and sockets after `close()`, so the op and resource sanitizers
 * are turned off for these tests.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { PushConsumer, TransactionProducer } from "../../client/mod.ts";
import type { MessageView } from "../../client/mod.ts";
import { waitFor } from "../harness.ts";
import { startClientCluster, text } from "../integration/_client_cluster.ts";
import { type OnsMessage, onsModule, onsOptions } from "./_ali_ons.ts";

const decoder = new TextDecoder();

/** An ali-ons consumer of `group` from the first offset, its errors kept by ali-ons' logger. */
function onsConsumer(namesrv: string, group: string, extra: Record<string, unknown> = {}) {
  const consumer = new onsModule.Consumer({
    ...onsOptions(namesrv, group),
    consumerGroup: group,
    consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
    ...extra,
  });
  consumer.on("error", () => {});
  return consumer;
}

Deno.test({
  name: "ali-ons retries a failing message until the DLQ and filters by SQL92 and by tag",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const cluster = await startClientCluster({
      messageDelayLevel: "1s 1s 1s 1s 1s 1s",
      enablePropertyFilter: "true",
    });
    const [retryTopic, sqlTopic, group] = ["ons_retry", "ons_sql", "CID_ons_retry"];
    const producer = new onsModule.Producer({
      ...onsOptions(cluster.namesrvAddr, "ons-sem-p"),
      producerGroup: "PID_ons_sem",
    });
    const consumer = onsConsumer(cluster.namesrvAddr, group, { maxReconsumeTimes: 2 });
    const sqlConsumer = onsConsumer(cluster.namesrvAddr, "CID_ons_sql");
    const tagConsumer = onsConsumer(cluster.namesrvAddr, "CID_ons_tag");
    const dead: MessageView[] = [];
    const dlqReader = new PushConsumer({
      ...cluster.options("ons-sem-dlq"),
      groupName: "ts_ons_dlq_reader",
      consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
      suspendTimeoutMs: 1000,
      listener: (messages) => {
        dead.push(...messages);
      },
    }).subscribe(`%DLQ%${group}`);
    const deliveries: OnsMessage[] = [];
    const matched: string[] = [];
    const tagged: string[] = [];
    try {
      await cluster.createTopic(retryTopic, 2);
      await cluster.createTopic(sqlTopic, 2);
      // ali-ons looks up the route of its retry topic before its first heartbeat (which makes
      // the broker create it) and gives up that subscription when the lookup fails; with a Java
      // broker too. So the retry topics exist beforehand, as after an earlier run of the group.
      await cluster.createTopic(`%RETRY%${group}`, 1);
      await cluster.createTopic("%RETRY%CID_ons_sql", 1);
      await cluster.createTopic("%RETRY%CID_ons_tag", 1);
      await producer.ready();
      consumer.subscribe(retryTopic, "*", async (message) => {
        deliveries.push(message);
        if (decoder.decode(message.body) === "poison") throw new Error("always fails");
        await Promise.resolve();
      });
      sqlConsumer.subscribe(
        sqlTopic,
        { expressionType: "SQL92", subString: "seq > 2 AND color = 'red'" },
        async (message) => {
          matched.push(decoder.decode(message.body));
          await Promise.resolve();
        },
      );
      tagConsumer.subscribe(sqlTopic, "TagB || TagX", async (message) => {
        tagged.push(decoder.decode(message.body));
        await Promise.resolve();
      });
      await consumer.ready();
      await sqlConsumer.ready();
      await tagConsumer.ready();
      for (const body of ["poison", "fine"]) {
        const sent = await producer.send(new onsModule.Message(retryTopic, "TagA", body));
        assert.equal(sent.sendStatus, "SEND_OK");
      }
      for (let seq = 0; seq < 8; seq++) {
        const message = new onsModule.Message(sqlTopic, "TagA", `m${seq}`);
        message.properties["seq"] = String(seq);
        message.properties["color"] = seq % 2 === 0 ? "red" : "blue";
        assert.equal((await producer.send(message)).sendStatus, "SEND_OK");
      }
      for (const tag of ["TagB", "TagC"]) {
        const message = new onsModule.Message(sqlTopic, tag, `tag-${tag}`);
        assert.equal((await producer.send(message)).sendStatus, "SEND_OK");
      }
      const poison = () => deliveries.filter((m) => decoder.decode(m.body) === "poison");
      await waitFor(() => poison().length === 3, { timeoutMs: 20_000, message: "3 deliveries" });
      assert.deepEqual(poison().map((m) => m.reconsumeTimes), [0, 1, 2]);
      assert.equal(deliveries.filter((m) => decoder.decode(m.body) === "fine").length, 1);
      await dlqReader.start();
      await waitFor(() => dead.length === 1, { timeoutMs: 10_000, message: "the DLQ message" });
      assert.equal(text(dead[0]!.body), "poison");
      assert.equal(dead[0]!.properties.get("RETRY_TOPIC"), retryTopic);
      await waitFor(() => matched.length === 2, { timeoutMs: 10_000, message: "SQL matches" });
      await waitFor(() => tagged.length === 1, { timeoutMs: 10_000, message: "the tag match" });
      // No fourth delivery, no third SQL match.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      assert.equal(poison().length, 3);
      assert.deepEqual([...matched].sort(), ["m4", "m6"]);
      assert.deepEqual(tagged, ["tag-TagB"]);
    } finally {
      await dlqReader.shutdown();
      await tagConsumer.close();
      await sqlConsumer.close();
      await consumer.close();
      await producer.close();
      await cluster.stop();
    }
  },
});

const KEYS = ["k0", "k1", "k2"];
const PER_KEY = 10;

Deno.test({
  name: "ali-ons ordered sends keep each key in one queue in order; its half messages are checked",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const cluster = await startClientCluster({
      transactionTimeOut: "300",
      transactionCheckInterval: "500",
    });
    const [orderTopic, txTopic, txGroup] = ["ons_order", "ons_tx", "PID_ts_tx_checker"];
    const producer = new onsModule.Producer({
      ...onsOptions(cluster.namesrvAddr, "ons-order-p"),
      producerGroup: "PID_ons_order",
    });
    const seen = new Map<string, { seq: number; queueId: number }[]>();
    const orderly = new PushConsumer({
      ...cluster.options("ons-order-c"),
      groupName: "ts_ons_orderly",
      consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
      suspendTimeoutMs: 1000,
      orderlyListener: (messages) => {
        for (const m of messages) {
          const [key, seq] = text(m.body).split(":");
          seen.set(key!, [...(seen.get(key!) ?? []), { seq: Number(seq), queueId: m.queueId }]);
        }
        return "SUCCESS";
      },
    }).subscribe(orderTopic);
    const received: string[] = [];
    const txConsumer = new PushConsumer({
      ...cluster.options("ons-tx-c"),
      groupName: "ts_ons_tx",
      consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
      suspendTimeoutMs: 1000,
      listener: (messages) => {
        received.push(...messages.map((m) => text(m.body)));
      },
    }).subscribe(txTopic);
    const checked: string[] = [];
    // Same client instance as the consumer: its heartbeats (to the brokers of the consumer's
    // routes) carry the producer group, as one Java MQClientInstance does.
    const checker = new TransactionProducer({
      ...cluster.options("ons-tx-c"),
      groupName: txGroup,
      transactionListener: {
        executeLocalTransaction: () => "UNKNOW",
        checkLocalTransaction: (view) => {
          checked.push(text(view.body));
          return text(view.body) === "half-commit" ? "COMMIT_MESSAGE" : "ROLLBACK_MESSAGE";
        },
      },
    });
    try {
      await cluster.createTopic(orderTopic, 4);
      await cluster.createTopic(txTopic, 2);
      await producer.ready();
      await orderly.start();
      await txConsumer.start();
      for (let seq = 0; seq < PER_KEY; seq++) {
        for (const key of KEYS) {
          const message = new onsModule.Message(orderTopic, "TagA", `${key}:${seq}`);
          message.shardingKey = key;
          assert.equal((await producer.send(message)).sendStatus, "SEND_OK");
        }
      }
      // Half messages: ali-ons sets the prepared sysFlag for TRAN_MSG; PGROUP names the group
      // whose live producer the broker asks (ours: ali-ons cannot answer a check).
      for (const body of ["half-commit", "half-rollback"]) {
        const message = new onsModule.Message(txTopic, "TagA", body);
        message.properties["TRAN_MSG"] = "true";
        message.properties["PGROUP"] = txGroup;
        assert.equal((await producer.send(message)).sendStatus, "SEND_OK");
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(received, [], "half messages are invisible");
      await checker.start();
      await waitFor(() => received.length === 1, { timeoutMs: 15_000, message: "the commit" });
      await waitFor(() => [...seen.values()].flat().length === KEYS.length * PER_KEY, {
        timeoutMs: 15_000,
        message: "every ordered message",
      });
      for (const key of KEYS) {
        const entries = seen.get(key)!;
        assert.deepEqual(entries.map((e) => e.seq), Array.from({ length: PER_KEY }, (_, i) => i));
        assert.equal(new Set(entries.map((e) => e.queueId)).size, 1, `${key} in one queue`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.deepEqual(received, ["half-commit"]);
      assert.ok(checked.includes("half-commit") && checked.includes("half-rollback"));
    } finally {
      await checker.shutdown();
      await txConsumer.shutdown();
      await orderly.shutdown();
      await producer.close();
      await cluster.stop();
    }
  },
});
