/**
 * Retry, dead letters and delays through our client with real processes: a
 * message whose listener always answers RECONSUME_LATER is delivered 1 + maxReconsumeTimes
 * times through `%RETRY%<group>` (CONSUMER_SEND_MSG_BACK) and then lands in
 * `%DLQ%<group>` with its original topic and id, and not before; a send with
 * `delayTimeLevel` and one with a 5.x `delayTimeMs` arrive no earlier than
 * asked. Method: a name server and a broker as child processes with short
 * delay levels (`messageDelayLevel=1s 1s 1s ...`), our Producer and
 * PushConsumers in this process.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { Producer, PushConsumer } from "../../client/mod.ts";
import type { MessageView } from "../../client/mod.ts";
import { waitFor } from "../harness.ts";
import { startClientCluster, text } from "./_client_cluster.ts";

const SHORT_LEVELS = { messageDelayLevel: "1s 1s 1s 1s 1s 1s 1s 1s 1s 1s" };

Deno.test("PushConsumer redelivers a failing message maxReconsumeTimes times, then it is in the DLQ", async () => {
  const cluster = await startClientCluster(SHORT_LEVELS);
  const topic = "it_retry";
  const group = "it_retry_cg";
  const deliveries: MessageView[] = [];
  const dead: MessageView[] = [];
  const producer = new Producer({ ...cluster.options("retry-p"), groupName: "it_retry_pg" });
  const consumer = new PushConsumer({
    ...cluster.options("retry-c"),
    groupName: group,
    consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
    suspendTimeoutMs: 1000,
    maxReconsumeTimes: 2,
    listener: (messages) => {
      deliveries.push(...messages);
      // RECONSUME_LATER here; a throw does the same (client_push_consumer_test.ts).
      return messages.some((m) => text(m.body) === "poison")
        ? "RECONSUME_LATER"
        : "CONSUME_SUCCESS";
    },
  }).subscribe(topic);
  const dlqReader = new PushConsumer({
    ...cluster.options("retry-dlq"),
    groupName: "it_retry_dlq_reader",
    consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
    suspendTimeoutMs: 1000,
    listener: (messages) => {
      dead.push(...messages);
    },
  }).subscribe(`%DLQ%${group}`);
  try {
    await cluster.createTopic(topic, 2);
    await consumer.start();
    await producer.start();
    const sent = await producer.send({
      topic,
      body: "poison",
      keys: "poison-key",
      tags: "TagP",
      properties: { user: "u1" },
    });
    await producer.send({ topic, body: "fine" });
    const poison = () => deliveries.filter((m) => text(m.body) === "poison");
    await waitFor(() => poison().length === 3, { timeoutMs: 15_000, message: "3 deliveries" });
    assert.deepEqual(poison().map((m) => m.reconsumeTimes), [0, 1, 2]);
    assert.ok(poison().every((m) => m.topic === topic && m.msgId === sent.msgId));
    assert.equal(deliveries.filter((m) => text(m.body) === "fine").length, 1);
    await dlqReader.start();
    await waitFor(() => dead.length === 1, { timeoutMs: 10_000, message: "the DLQ message" });
    assert.equal(text(dead[0]!.body), "poison");
    assert.equal(dead[0]!.msgId, sent.msgId);
    assert.equal(dead[0]!.properties.get("RETRY_TOPIC"), topic);
    assert.deepEqual(dead[0]!.keys, ["poison-key"]);
    assert.equal(dead[0]!.tags, "TagP");
    assert.equal(dead[0]!.properties.get("user"), "u1");
    // No fourth delivery: the message stays dead.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal(poison().length, 3);
  } finally {
    await dlqReader.shutdown();
    await consumer.shutdown();
    await producer.shutdown();
    await cluster.stop();
  }
});

Deno.test("Producer.send() with delayTimeLevel or delayTimeMs delivers no earlier than asked", async () => {
  const cluster = await startClientCluster({
    ...SHORT_LEVELS,
    messageDelayLevel: "1s 2s 3s",
    timerPrecisionMs: "50",
  });
  const topic = "it_delay";
  const arrivals = new Map<string, number>();
  const producer = new Producer({ ...cluster.options("delay-p"), groupName: "it_delay_pg" });
  const consumer = new PushConsumer({
    ...cluster.options("delay-c"),
    groupName: "it_delay_cg",
    consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
    suspendTimeoutMs: 1000,
    listener: (messages) => {
      for (const m of messages) arrivals.set(text(m.body), performance.now());
    },
  }).subscribe(topic);
  try {
    await cluster.createTopic(topic, 2);
    await consumer.start();
    await producer.start();
    const sentAt = performance.now();
    await producer.send({ topic, body: "level-2", delayTimeLevel: 2 });
    await producer.send({ topic, body: "timer-1500", delayTimeMs: 1500 });
    await producer.send({ topic, body: "now" });
    await waitFor(() => arrivals.size === 3, { timeoutMs: 10_000, message: "3 messages" });
    const after = (body: string) => arrivals.get(body)! - sentAt;
    assert.ok(after("now") < 1900, `immediate message took ${after("now")} ms`);
    assert.ok(after("level-2") >= 1900, `level 2 (2 s) arrived after ${after("level-2")} ms`);
    assert.ok(after("timer-1500") >= 1400, `timer arrived after ${after("timer-1500")} ms`);
  } finally {
    await consumer.shutdown();
    await producer.shutdown();
    await cluster.stop();
  }
});
