/**
 * ali-ons 3.12.0 (npm, test-only) driving messaging features against our
 * name server and broker, received by our PushConsumer: a delay-level send
 * (`delayTimeLevel`, broker levels `1s 2s`) arrives no earlier than its
 * level, and a tag subscription receives only its tag. Retry, SQL92, ordered
 * sends and half messages: `ali_ons_semantics_test.ts`.
 *
 * ali-ons keeps internal timers and sockets after `close()`, so the op and
 * resource sanitizers are turned off for this test only.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { PushConsumer } from "../../client/mod.ts";
import { waitFor } from "../harness.ts";
import { startClientCluster, text } from "../integration/_client_cluster.ts";
import { onsModule, onsOptions } from "./_ali_ons.ts";

Deno.test({
  name: "ali-ons delay-level and tagged sends reach our PushConsumer as asked",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const cluster = await startClientCluster({ messageDelayLevel: "1s 2s" });
    const topic = "ons_features";
    const arrivals = new Map<string, number>();
    const onsProducer = new onsModule.Producer({
      ...onsOptions(cluster.namesrvAddr, "ons-features-p"),
      producerGroup: "PID_ons_features",
    });
    const ourConsumer = new PushConsumer({
      ...cluster.options("ours-features-c"),
      groupName: "ts_ons_features",
      consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
      suspendTimeoutMs: 1000,
      listener: (messages) => {
        for (const m of messages) arrivals.set(text(m.body), performance.now());
      },
    }).subscribe(topic, "TagA || TagD");
    try {
      await cluster.createTopic(topic, 2);
      await onsProducer.ready();
      await ourConsumer.start();
      const sentAt = performance.now();
      const delayed = new onsModule.Message(topic, "TagD", "delayed-level-2");
      delayed.delayTimeLevel = 2;
      assert.equal((await onsProducer.send(delayed)).sendStatus, "SEND_OK");
      for (const [tag, body] of [["TagA", "a"], ["TagB", "b"], ["TagA", "a2"]]) {
        assert.equal(
          (await onsProducer.send(new onsModule.Message(topic, tag!, body!))).sendStatus,
          "SEND_OK",
        );
      }
      await waitFor(() => arrivals.size === 3, { timeoutMs: 15_000, message: "3 messages" });
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual([...arrivals.keys()].sort(), ["a", "a2", "delayed-level-2"]);
      const delay = arrivals.get("delayed-level-2")! - sentAt;
      assert.ok(delay >= 1900, `level 2 (2 s) arrived after ${delay} ms`);
    } finally {
      await ourConsumer.shutdown();
      await onsProducer.close();
      await cluster.stop();
    }
  },
});
