/**
 * Goal: a user's own test can run a name server and a broker in-process through the root
 * `mod.ts`, on free ports with a temporary store, send and consume with our client, and stop
 * everything cleanly (the sanitizers check that nothing is left open).
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import {
  type MessageView,
  Producer,
  PushConsumer,
  startBroker,
  startNameServer,
} from "../../mod.ts";
import { waitFor } from "../harness.ts";

Deno.test("mod.ts startNameServer() and startBroker() serve a send and a push consume in-process", async () => {
  const namesrv = await startNameServer({
    overrides: { listenPort: "0", bindAddress: "127.0.0.1" },
  });
  const namesrvAddr = `127.0.0.1:${namesrv.port}`;
  const broker = await startBroker({
    tempStore: true,
    config: {
      listenPort: 0,
      bindAddress: "127.0.0.1",
      brokerIP1: "127.0.0.1",
      brokerIP2: "127.0.0.1",
      brokerName: "embedded-a",
      namesrvAddr,
    },
  });
  const client = {
    namesrvAddr,
    pollNameServerIntervalMs: 500,
    rebalanceIntervalMs: 500,
    heartbeatBrokerIntervalMs: 1000,
  };
  const producer = new Producer({ ...client, groupName: "embedded_pg", instanceName: "emb-p" });
  const received: string[] = [];
  const consumer = new PushConsumer({
    ...client,
    groupName: "embedded_cg",
    instanceName: "emb-c",
    consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
    listener: (messages: MessageView[]) => {
      for (const m of messages) received.push(new TextDecoder().decode(m.body));
    },
  });
  try {
    await producer.start();
    const sent: string[] = [];
    for (let i = 0; i < 10; i++) {
      const text = `embedded ${i}`;
      const result = await producer.send({ topic: "EmbeddedTopic", body: text, tags: "T" });
      assert.equal(result.status, "SEND_OK");
      sent.push(text);
    }
    consumer.subscribe("EmbeddedTopic", "*");
    await consumer.start();
    await waitFor(() => received.length >= sent.length, {
      timeoutMs: 15_000,
      intervalMs: 50,
      message: "consumer did not receive every message",
    });
    assert.deepEqual([...received].sort(), [...sent].sort());
  } finally {
    await consumer.shutdown();
    await producer.shutdown();
    await broker.close();
    await namesrv.close();
  }
});
