/**
 * ali-ons 3.12.0 (npm, test-only) driving messaging features against our
 * name server and broker, received by our PushConsumer: a delay-level send
 * (`delayTimeLevel`, broker levels `1s 2s`) arrives no earlier than its
 * level, and a tag subscription receives only its tag. Transactions, SQL92
 * and ordered consumption are not exercised: ali-ons 3.12.0 has no
 * transactional producer, no SQL92 selector and no orderly consumer.
 *
 * ali-ons keeps internal timers and sockets after `close()`, so the op and
 * resource sanitizers are turned off for this test only.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import * as ons from "npm:ali-ons@3.12.0";
import { PushConsumer } from "../../client/mod.ts";
import { waitFor } from "../harness.ts";
import { startClientCluster, text } from "../integration/_client_cluster.ts";

interface OnsMessage {
  msgId: string;
  tags: string;
  keys: string;
  body: Uint8Array;
  properties: Record<string, string>;
}

interface OnsClient {
  ready(): Promise<void>;
  close(): Promise<void>;
}

interface OnsProducer extends OnsClient {
  send(message: unknown): Promise<{ sendStatus: string; msgId: string }>;
}

interface OnsConsumer extends OnsClient {
  subscribe(
    topic: string,
    expression: string,
    handler: (message: OnsMessage) => Promise<void>,
  ): void;
  on(event: "error", handler: (error: unknown) => void): void;
}

const onsModule = ons as unknown as {
  Producer: new (options: Record<string, unknown>) => OnsProducer;
  Consumer: new (options: Record<string, unknown>) => OnsConsumer;
  Message: new (topic: string, tags: string, body: string) => {
    keys: string[];
    delayTimeLevel: number;
  };
};

/** ali-ons logs to the console by default; errors are kept here (shown by a debugger), not printed. */
const onsLogger = {
  info: () => {},
  warn: () => {},
  debug: () => {},
  error: (...args: unknown[]) => onsErrors.push(args),
};
const onsErrors: unknown[][] = [];

function onsOptions(namesrv: string, instanceName: string): Record<string, unknown> {
  return {
    // Only used to resolve an Aliyun "onsAddr"; `nameSrv` makes it unused, but it must be set:
    // without it ali-ons fails an assertion, and that failure exhausts the heap under Deno 2.9.6.
    httpclient: {},
    logger: onsLogger,
    nameSrv: [namesrv],
    clientIP: "127.0.0.1",
    instanceName,
    accessKeyId: "",
    accessKeySecret: "",
  };
}

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
