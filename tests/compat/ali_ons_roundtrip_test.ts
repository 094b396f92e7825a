/**
 * A real third-party client, ali-ons 3.12.0 from the npm registry (a pure
 * JavaScript RocketMQ 4.x remoting client: JSON headers with numbers in
 * extFields, version 121, v1 message decoding), against our name server and
 * broker: ali-ons producer to ali-ons consumer, ali-ons producer to our
 * PushConsumer, and our Producer to the ali-ons consumer. Method: name
 * server and broker as child processes on free ports; ali-ons runs in this
 * Deno process through its `npm:` specifier (test-only dependency).
 *
 * ali-ons keeps internal timers and sockets after `close()`, so the op and
 * resource sanitizers are turned off for this test only.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import * as ons from "npm:ali-ons@3.12.0";
import { Producer, PushConsumer } from "../../client/mod.ts";
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
  Message: new (topic: string, tags: string, body: string) => { keys: string[] };
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
  name:
    "ali-ons producer and consumer round-trip through our name server and broker, and interoperate with our client",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const cluster = await startClientCluster();
    const topic = "ons_roundtrip";
    const onsReceived = new Map<string, OnsMessage>();
    const ourReceived = new Set<string>();
    const onsProducer = new onsModule.Producer({
      ...onsOptions(cluster.namesrvAddr, "ons-producer"),
      producerGroup: "PID_ons_compat",
    });
    const onsConsumer = new onsModule.Consumer({
      ...onsOptions(cluster.namesrvAddr, "ons-consumer"),
      consumerGroup: "CID_ons_compat",
      consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
    });
    const ourConsumer = new PushConsumer({
      ...cluster.options("ours-c"),
      groupName: "ts_ons_compat",
      consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
      suspendTimeoutMs: 3000,
      listener: (messages) => {
        for (const m of messages) ourReceived.add(text(m.body));
      },
    }).subscribe(topic);
    const ourProducer = new Producer({ ...cluster.options("ours-p"), groupName: "ts_ons_pg" });
    try {
      await cluster.createTopic(topic, 4);
      await onsProducer.ready();
      onsConsumer.on("error", (error) => onsErrors.push([error]));
      // ali-ons checks that the handler is an `async function`.
      onsConsumer.subscribe(topic, "*", async (message) => {
        await Promise.resolve();
        onsReceived.set(new TextDecoder().decode(message.body), message);
      });
      await onsConsumer.ready();
      await ourConsumer.start();
      await ourProducer.start();

      for (let i = 0; i < 5; i++) {
        const message = new onsModule.Message(topic, "TagOns", `ons-${i}`);
        message.keys = [`ons-key-${i}`];
        const result = await onsProducer.send(message);
        assert.equal(result.sendStatus, "SEND_OK");
      }
      for (let i = 0; i < 5; i++) {
        await ourProducer.send({ topic, body: `ts-${i}`, tags: "TagTs", keys: `ts-key-${i}` });
      }
      await waitFor(() => onsReceived.size === 10 && ourReceived.size === 10, {
        timeoutMs: 30_000,
        message: "both consumer groups to receive all 10 messages",
      });
      const fromUs = onsReceived.get("ts-3")!;
      assert.equal(fromUs.tags, "TagTs");
      assert.equal(fromUs.keys, "ts-key-3");
      assert.equal(onsReceived.get("ons-1")!.tags, "TagOns");
      assert.ok(ourReceived.has("ons-4"));
      // Errors ali-ons reports are logged only: a route miss for its retry topic before the
      // broker's next registration is expected (the Java client sees the same).
    } finally {
      await ourConsumer.shutdown();
      await ourProducer.shutdown();
      await onsConsumer.close();
      await onsProducer.close();
      await cluster.stop();
    }
  },
});
