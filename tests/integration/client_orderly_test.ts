/**
 * Orderly consumption with real processes: messages sent in order per key
 * (hash selector) are consumed in order per key; an orderly consumer killed
 * mid-stream (SIGKILL: no unlock, no final commit) is replaced by another
 * one, which takes the queues only after the broker lock expired and resumes
 * from the committed offset: per key, every message is seen, and the new
 * consumer's sequence is consecutive (redelivery of the uncommitted tail is
 * allowed, reordering and gaps are not). A second orderly consumer joining mid-stream takes
 * queues over on rebalance without ever running a batch of a queue while the first consumer
 * runs one of the same queue, and per key nothing is skipped. Method: a name server and a broker
 * (`rebalanceLockMaxLiveTime=3000` for the kill) as child processes, the killed consumer in
 * `client_orderly_child.ts`, the others in this process.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { Producer, PushConsumer, selectByHash } from "../../client/mod.ts";
import { waitFor } from "../harness.ts";
import { startClientCluster, text } from "./_client_cluster.ts";

const KEYS = ["k0", "k1", "k2", "k3"];
const PER_KEY = 40;

function lines(path: string): string[] {
  try {
    return Deno.readTextFileSync(path).split("\n").filter((l) => l !== "");
  } catch {
    return [];
  }
}

function bySeq(entries: string[]): Map<string, number[]> {
  const result = new Map<string, number[]>();
  for (const entry of entries) {
    const [key, seq] = entry.split(":");
    result.set(key!, [...(result.get(key!) ?? []), Number(seq)]);
  }
  return result;
}

Deno.test("an orderly consumer killed mid-stream is replaced without reordering or loss", async () => {
  const cluster = await startClientCluster({ rebalanceLockMaxLiveTime: "3000" });
  const topic = "it_orderly";
  const group = "it_orderly_cg";
  const dir = await Deno.makeTempDir({ prefix: "orderly-" });
  const outFile = `${dir}/child.txt`;
  const producer = new Producer({ ...cluster.options("orderly-p"), groupName: "it_orderly_pg" });
  const second: string[] = [];
  let consumer: PushConsumer | undefined;
  let child: Deno.ChildProcess | undefined;
  try {
    await cluster.createTopic(topic, 4);
    await producer.start();
    for (let i = 0; i < PER_KEY; i++) {
      for (const key of KEYS) {
        await producer.send({ topic, body: `${key}:${i}` }, { selector: selectByHash, arg: key });
      }
    }
    child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        new URL("./client_orderly_child.ts", import.meta.url).pathname,
        cluster.namesrvAddr,
        topic,
        group,
        outFile,
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    await waitFor(() => lines(outFile).length >= 30, {
      timeoutMs: 20_000,
      message: "the child consuming",
    });
    child.kill("SIGKILL");
    await child.status;
    child = undefined;
    const first = lines(outFile);
    assert.ok(first.length < KEYS.length * PER_KEY, "killed mid-stream");
    for (const [key, seqs] of bySeq(first)) {
      assert.deepEqual(seqs, seqs.map((_, i) => i), `child order of ${key}`);
    }
    consumer = new PushConsumer({
      ...cluster.options("orderly-c2"),
      groupName: group,
      consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
      suspendTimeoutMs: 1000,
      orderlyListener: (messages) => {
        for (const m of messages) second.push(text(m.body));
      },
    }).subscribe(topic);
    await consumer.start();
    const done = () => {
      const seen = bySeq(second);
      return KEYS.every((k) => seen.get(k)?.at(-1) === PER_KEY - 1);
    };
    await waitFor(done, { timeoutMs: 20_000, message: "the second consumer finishing" });
    const firstByKey = bySeq(first);
    for (const [key, seqs] of bySeq(second)) {
      const start = seqs[0]!;
      assert.deepEqual(seqs, seqs.map((_, i) => start + i), `second consumer order of ${key}`);
      const before = firstByKey.get(key) ?? [];
      assert.ok(
        start <= before.length,
        `no gap for ${key}: resumed at ${start} after ${before.length}`,
      );
    }
  } finally {
    if (child !== undefined) {
      child.kill("SIGKILL");
      await child.status;
    }
    await consumer?.shutdown();
    await producer.shutdown();
    await cluster.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a second orderly consumer joining mid-stream takes queues over without two consumers on one queue", async () => {
  const cluster = await startClientCluster();
  const topic = "it_orderly_join";
  const group = "it_orderly_join_cg";
  const producer = new Producer({ ...cluster.options("join-p"), groupName: "it_join_pg" });
  const timeline: { key: string; seq: number; by: string }[] = [];
  const inFlight = new Map<number, string>();
  const overlaps: string[] = [];
  const consumerNamed = (name: string) =>
    new PushConsumer({
      ...cluster.options(name),
      groupName: group,
      consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
      suspendTimeoutMs: 1000,
      pullBatchSize: 4,
      pullThresholdForQueue: 8,
      orderlyListener: async (messages) => {
        const queueId = messages[0]!.queueId;
        const holder = inFlight.get(queueId);
        if (holder !== undefined) overlaps.push(`queue ${queueId}: ${holder} and ${name}`);
        inFlight.set(queueId, name);
        for (const m of messages) {
          const [key, seq] = text(m.body).split(":");
          timeline.push({ key: key!, seq: Number(seq), by: name });
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
        inFlight.delete(queueId);
        return "SUCCESS" as const;
      },
    }).subscribe(topic);
  const first = consumerNamed("join-c1");
  const second = consumerNamed("join-c2");
  try {
    await cluster.createTopic(topic, 4);
    await producer.start();
    for (let i = 0; i < PER_KEY; i++) {
      for (const key of KEYS) {
        await producer.send({ topic, body: `${key}:${i}` }, { selector: selectByHash, arg: key });
      }
    }
    await first.start();
    await waitFor(() => timeline.length >= 20, { timeoutMs: 20_000, message: "c1 consuming" });
    await second.start();
    const distinct = () => new Set(timeline.map((e) => `${e.key}:${e.seq}`)).size;
    await waitFor(() => distinct() === KEYS.length * PER_KEY, {
      timeoutMs: 60_000,
      message: "every message",
    });
    assert.deepEqual(overlaps, [], "two consumers on one queue at once");
    assert.ok(timeline.some((e) => e.by === "join-c2"), "the second consumer took queues");
    for (const key of KEYS) {
      const seqs = timeline.filter((e) => e.key === key).map((e) => e.seq);
      assert.equal(seqs[0], 0);
      for (let i = 1; i < seqs.length; i++) {
        assert.ok(seqs[i]! <= seqs[i - 1]! + 1, `${key} skipped from ${seqs[i - 1]} to ${seqs[i]}`);
      }
    }
  } finally {
    await second.shutdown();
    await first.shutdown();
    await producer.shutdown();
    await cluster.stop();
  }
});
