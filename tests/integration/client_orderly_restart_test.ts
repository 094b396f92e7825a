/**
 * Orderly consumption across a broker restart, with a failing message. Goals: our orderly
 * PushConsumer never runs ahead within a key: a message whose listener asks to suspend is
 * delivered again (reconsume count growing) before any later message of its queue; when the
 * broker is stopped (SIGTERM) and started again mid-stream (same store, same port, queue locks
 * lost with the process), consumption resumes: per key every message is seen, and each delivery
 * is the same message again (a retry, or a replay of the uncommitted tail from the committed
 * offset) or an earlier one (replay), or the next one, never a skip. Method: a name server and
 * a broker as child processes (`restartBroker()` keeps `storePathRootDir` and `listenPort`),
 * our Producer (hash selector per key) and orderly PushConsumer in this process.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { Producer, PushConsumer, selectByHash } from "../../client/mod.ts";
import { waitFor } from "../harness.ts";
import { freeBrokerPort, startClientCluster, text } from "./_client_cluster.ts";

const KEYS = ["k0", "k1", "k2", "k3"];
const PER_KEY = 40;
/** This message asks to be suspended on its first two deliveries. */
const FAILING = "k1:5";

Deno.test("an orderly consumer resumes in order across a broker restart and retries a suspended message first", async () => {
  const storeDir = await Deno.makeTempDir({ prefix: "orderly-restart-" });
  const cluster = await startClientCluster({
    storePathRootDir: storeDir,
    listenPort: String(freeBrokerPort()),
  });
  const topic = "it_orderly_restart";
  const seen = new Map<string, number[]>();
  const failingTries: number[] = [];
  let restarted: Promise<void> = Promise.resolve();
  const producer = new Producer({ ...cluster.options("or-p"), groupName: "it_or_pg" });
  const consumer = new PushConsumer({
    ...cluster.options("or-c"),
    groupName: "it_or_cg",
    consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
    suspendTimeoutMs: 1000,
    suspendCurrentQueueTimeMillis: 200,
    pullBatchSize: 4,
    pullThresholdForQueue: 8,
    orderlyListener: async (messages) => {
      await restarted; // slow while the broker restarts: most messages are pulled after it
      for (const m of messages) {
        const [key, seq] = text(m.body).split(":");
        seen.set(key!, [...(seen.get(key!) ?? []), Number(seq)]);
        if (text(m.body) === FAILING && failingTries.push(m.reconsumeTimes) <= 2) {
          return "SUSPEND_CURRENT_QUEUE_A_MOMENT";
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
      return "SUCCESS";
    },
  }).subscribe(topic);
  try {
    await cluster.createTopic(topic, 4);
    await producer.start();
    for (let i = 0; i < PER_KEY; i++) {
      for (const key of KEYS) {
        await producer.send({ topic, body: `${key}:${i}` }, { selector: selectByHash, arg: key });
      }
    }
    await consumer.start();
    const total = () => [...seen.values()].reduce((n, s) => n + s.length, 0);
    await waitFor(() => total() >= 20, { timeoutMs: 20_000, message: "consumption started" });
    const restart = cluster.restartBroker();
    restarted = restart;
    await restart;
    const distinct = () => KEYS.reduce((n, k) => n + new Set(seen.get(k)).size, 0);
    assert.ok(distinct() < KEYS.length * PER_KEY / 2, `${distinct()} consumed before the restart`);
    const done = () => KEYS.every((k) => new Set(seen.get(k)).size === PER_KEY);
    await waitFor(done, { timeoutMs: 40_000, message: "every message after the restart" });
    assert.ok(failingTries.length >= 3, `${FAILING} delivered ${failingTries.length} times`);
    assert.deepEqual(failingTries.slice(0, 3), [0, 1, 2], "reconsume count grows");
    for (const key of KEYS) {
      const seqs = seen.get(key)!;
      assert.equal(seqs[0], 0, `${key} starts at 0`);
      for (let i = 1; i < seqs.length; i++) {
        assert.ok(seqs[i]! <= seqs[i - 1]! + 1, `${key} skipped from ${seqs[i - 1]} to ${seqs[i]}`);
      }
    }
  } finally {
    await consumer.shutdown();
    await producer.shutdown();
    await cluster.stop();
    await Deno.remove(storeDir, { recursive: true });
  }
});
