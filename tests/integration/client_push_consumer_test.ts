/**
 * End to end with real processes: several producers and push consumers of
 * one group get every message exactly once on the happy path; a consumer
 * joining and another leaving mid-stream loses nothing; broadcasting gives
 * every consumer every message; a long-polled pull wakes within
 * milliseconds of a send; tag subscriptions filter. Method: a name server
 * and a broker as child processes on free ports, our Producer/PushConsumer
 * in this process with distinct instance names (distinct client ids).
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { Producer, PushConsumer } from "../../client/mod.ts";
import type { MessageView } from "../../client/mod.ts";
import { waitFor } from "../harness.ts";
import { startClientCluster, text } from "./_client_cluster.ts";
import type { ClientCluster } from "./_client_cluster.ts";

async function withCluster(fn: (cluster: ClientCluster) => Promise<void>): Promise<void> {
  const cluster = await startClientCluster();
  try {
    await fn(cluster);
  } finally {
    await cluster.stop();
  }
}

/**
 * Broker hold time of an empty pull in these tests. Short, so that a pull
 * parked just after a message arrived (a race the broker may lose; Java's
 * broker covers it with a 5 s re-check) costs seconds, not 15.
 */
const SUSPEND_MS = 3000;

function counter() {
  const seen = new Map<string, number>();
  return {
    seen,
    listener: (messages: MessageView[]) => {
      for (const m of messages) seen.set(text(m.body), (seen.get(text(m.body)) ?? 0) + 1);
    },
    duplicates: () => [...seen.values()].filter((n) => n > 1).length,
  };
}

Deno.test("producers and push consumers of one group deliver every message exactly once", async () => {
  await withCluster(async (cluster) => {
    const topic = "it_exactly_once";
    await cluster.createTopic(topic, 8);
    const count = counter();
    const consumers = [0, 1, 2].map((i) =>
      new PushConsumer({
        ...cluster.options(`c${i}`),
        groupName: "it_group",
        consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
        suspendTimeoutMs: SUSPEND_MS,
        consumeConcurrency: 4,
        listener: count.listener,
      }).subscribe(topic)
    );
    const producers = [0, 1].map((i) =>
      new Producer({ ...cluster.options(`p${i}`), groupName: `pg${i}` })
    );
    try {
      for (const c of consumers) await c.start();
      // Wait until the three consumers own disjoint queue sets that cover all 8 queues.
      await waitFor(() => {
        const owned = consumers.flatMap((c) => c.assignedQueues().filter((q) => q.topic === topic));
        return owned.length === 8 && new Set(owned.map((q) => q.queueId)).size === 8;
      }, { timeoutMs: 15_000, message: "a settled assignment" });
      for (const p of producers) await p.start();
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < 300; i++) {
        sends.push(producers[i % 2]!.send({ topic, body: `m-${i}`, keys: `k${i}` }));
      }
      const batch = Array.from({ length: 20 }, (_, i) => ({ topic, body: `b-${i}` }));
      sends.push(producers[0]!.sendBatch(batch));
      await Promise.all(sends);
      await waitFor(() => count.seen.size === 320, { timeoutMs: 20_000, message: "320 messages" });
      assert.equal(count.duplicates(), 0);
      assert.equal(count.seen.size, 320);
    } finally {
      for (const c of consumers) await c.shutdown();
      for (const p of producers) await p.shutdown();
    }
  });
});

Deno.test("a consumer joining and one leaving mid-stream lose no message", async () => {
  await withCluster(async (cluster) => {
    const topic = "it_join_leave";
    await cluster.createTopic(topic, 4);
    const count = counter();
    const make = (name: string) =>
      new PushConsumer({
        ...cluster.options(name),
        groupName: "it_jl_group",
        consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
        suspendTimeoutMs: SUSPEND_MS,
        listener: count.listener,
      }).subscribe(topic);
    const first = make("first");
    const second = make("second");
    const producer = new Producer({ ...cluster.options("jl-p"), groupName: "jl_pg" });
    let secondStarted = false;
    let firstStopped = false;
    try {
      await first.start();
      await producer.start();
      for (let i = 0; i < 300; i++) {
        await producer.send({ topic, body: `m-${i}` });
        if (i === 100) {
          await second.start();
          secondStarted = true;
        }
        if (i === 200) {
          await first.shutdown();
          firstStopped = true;
        }
      }
      await waitFor(() => count.seen.size === 300, { timeoutMs: 20_000, message: "300 messages" });
      assert.equal(count.seen.size, 300);
      assert.equal(second.assignedQueues().filter((q) => q.topic === topic).length, 4);
    } finally {
      if (!firstStopped) await first.shutdown();
      if (secondStarted) await second.shutdown();
      await producer.shutdown();
    }
  });
});

Deno.test("broadcasting push consumers each receive every message", async () => {
  await withCluster(async (cluster) => {
    const topic = "it_broadcast";
    await cluster.createTopic(topic, 2);
    const offsetDir = await Deno.makeTempDir({ prefix: "rmq-offsets-" });
    const counts = [counter(), counter()];
    const consumers = counts.map((count, i) =>
      new PushConsumer({
        ...cluster.options(`bc${i}`),
        groupName: "it_bc_group",
        messageModel: "BROADCASTING",
        consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
        suspendTimeoutMs: SUSPEND_MS,
        offsetStoreDir: offsetDir,
        listener: count.listener,
      }).subscribe(topic)
    );
    const producer = new Producer({ ...cluster.options("bc-p"), groupName: "bc_pg" });
    try {
      for (const c of consumers) await c.start();
      await producer.start();
      for (let i = 0; i < 50; i++) await producer.send({ topic, body: `m-${i}` });
      await waitFor(() => counts.every((c) => c.seen.size === 50), { timeoutMs: 15_000 });
      for (const c of counts) assert.equal(c.duplicates(), 0);
    } finally {
      for (const c of consumers) await c.shutdown();
      await producer.shutdown();
    }
    // Broadcasting offsets live in local files, one per client.
    const files: string[] = [];
    for await (const entry of Deno.readDir(offsetDir)) files.push(entry.name);
    assert.equal(files.length, 2);
    await Deno.remove(offsetDir, { recursive: true });
  });
});

Deno.test("a long-polled pull wakes within milliseconds of a send and tags filter", async () => {
  await withCluster(async (cluster) => {
    const topic = "it_long_poll";
    await cluster.createTopic(topic, 1);
    const arrivals: Array<{ body: string; at: number }> = [];
    const consumer = new PushConsumer({
      ...cluster.options("lp-c"),
      groupName: "it_lp_group",
      consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
      suspendTimeoutMs: SUSPEND_MS,
      listener: (messages) => {
        for (const m of messages) arrivals.push({ body: text(m.body), at: performance.now() });
      },
    }).subscribe(topic, "TagA || TagB");
    const producer = new Producer({ ...cluster.options("lp-p"), groupName: "lp_pg" });
    try {
      await consumer.start();
      await producer.start();
      await producer.send({ topic, body: "warm-up", tags: "TagA" });
      await waitFor(() => arrivals.length === 1, { timeoutMs: 10_000 });
      // Let the next pull be parked on the broker, then send.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const sentAt = performance.now();
      await producer.send({ topic, body: "skip", tags: "TagC" });
      await producer.send({ topic, body: "wake", tags: "TagB" });
      await waitFor(() => arrivals.length === 2, { timeoutMs: 10_000 });
      const latency = arrivals[1]!.at - sentAt;
      assert.equal(arrivals[1]!.body, "wake");
      assert.ok(latency < 5000, `long poll woke after ${latency} ms`);
      await producer.send({ topic, body: new Uint8Array(10_000).fill(66), tags: "TagA" });
      await waitFor(() => arrivals.length === 3, { timeoutMs: 10_000 });
      assert.equal(arrivals[2]!.body, "B".repeat(10_000));
      assert.ok(arrivals.every((a) => a.body !== "skip"));
    } finally {
      await consumer.shutdown();
      await producer.shutdown();
    }
  });
});

Deno.test("a message whose listener fails is delivered again and later messages still arrive", async () => {
  await withCluster(async (cluster) => {
    const topic = "it_redeliver";
    await cluster.createTopic(topic, 1);
    const deliveries: string[] = [];
    const consumer = new PushConsumer({
      ...cluster.options("rd-c"),
      groupName: "it_rd_group",
      consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
      suspendTimeoutMs: SUSPEND_MS,
      listener: (messages) => {
        for (const m of messages) {
          const body = text(m.body);
          deliveries.push(body);
          if (body === "fail-once" && deliveries.filter((d) => d === body).length === 1) {
            throw new Error("simulated failure");
          }
        }
      },
    }).subscribe(topic);
    const producer = new Producer({ ...cluster.options("rd-p"), groupName: "rd_pg" });
    try {
      await consumer.start();
      await producer.start();
      await producer.send({ topic, body: "fail-once" });
      await producer.send({ topic, body: "after" });
      await waitFor(
        () =>
          deliveries.filter((d) => d === "fail-once").length === 2 && deliveries.includes("after"),
        { timeoutMs: 20_000, message: "a redelivery" },
      );
    } finally {
      await consumer.shutdown();
      await producer.shutdown();
    }
  });
});
