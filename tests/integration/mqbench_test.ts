/**
 * `deno task mqbench` end to end: a real name server and broker (child
 * processes, 127.0.0.1, free ports, temp store), then tiny bounded runs of the
 * tool as a subprocess with `--json`. Checks that counts match (sent =
 * consumed = -c), nothing failed, the flush mode was asked from the broker,
 * and the broker's /proc sample is filled in; plus the exit codes for a bad
 * flag (2) and a name server that does not listen (1).
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import {
  freePort,
  REPO_ROOT,
  type RunningProcess,
  startNameServer,
  startProcess,
} from "../harness.ts";

const BROKER_READY = /The broker\[[^,]+, [\d.]+:(\d+)\] boot success/;

interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function mqbench(args: string[]): Promise<ToolRun> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${REPO_ROOT}cli/mqbench.ts`, ...args],
    cwd: REPO_ROOT,
    env: { LOG_LEVEL: "warn", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

// deno-lint-ignore no-explicit-any
function summaryOf(run: ToolRun): any {
  assert.equal(run.code, 0, `mqbench failed:\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

async function startCluster(): Promise<{ namesrv: RunningProcess; broker: RunningProcess }> {
  const namesrv = await startNameServer();
  try {
    const broker = await startProcess({
      entry: "broker/main.ts",
      properties: {
        brokerName: "broker-a",
        brokerIP1: "127.0.0.1",
        bindAddress: "127.0.0.1",
        listenPort: "0",
        namesrvAddr: `127.0.0.1:${namesrv.port}`,
        storePathRootDir: "${tempDir}/store",
        flushDiskType: "ASYNC_FLUSH",
      },
      readyPattern: BROKER_READY,
    });
    return { namesrv, broker };
  } catch (error) {
    await namesrv.stop();
    throw error;
  }
}

function commonArgs(namesrv: RunningProcess): string[] {
  return ["-n", `127.0.0.1:${namesrv.port}`, "-s", "256", "-d", "60", "--json"];
}

async function produceThenConsume(
  cluster: { namesrv: RunningProcess; broker: RunningProcess },
  driver: string,
): Promise<void> {
  const common = commonArgs(cluster.namesrv);
  const topic = `BenchIT_${driver}`;
  const produced = summaryOf(
    await mqbench([
      "producer",
      ...common,
      "-t",
      topic,
      "-w",
      "4",
      "-c",
      "300",
      "--queues",
      "2",
      "--driver",
      driver,
      "--broker-pid",
      String(cluster.broker.child.pid),
    ]),
  ); // deno-fmt-ignore
  assert.equal(produced.mode, "producer");
  assert.equal(produced.send.messages, 300);
  assert.equal(produced.sendFailures, 0);
  assert.equal(produced.delivery, undefined);
  assert.equal(produced.flushMode, "ASYNC_FLUSH");
  assert.equal(produced.flushModeSource, "broker");
  assert.deepEqual(produced.brokerAddrs, [`127.0.0.1:${cluster.broker.port}`]);
  assert.ok(produced.send.tps > 0);
  assert.ok(produced.send.latency.p50Ms > 0);
  assert.ok(produced.send.latency.p50Ms <= produced.send.latency.p99Ms);
  assert.ok(produced.send.latency.p99Ms <= produced.send.latency.maxMs);
  assert.ok(produced.broker.rssKiBAfter > 1024);
  assert.ok(produced.broker.cpuUsPerMessage > 0);

  const consumed = summaryOf(
    await mqbench([
      "consumer",
      ...common,
      "-t",
      topic,
      "-c",
      "300",
      "--queues",
      "0",
      "--group",
      `bench_it_${driver}`,
      "--driver",
      driver,
    ]),
  ); // deno-fmt-ignore
  assert.equal(consumed.delivery.messages, 300);
  assert.equal(consumed.send, undefined);
  assert.ok(consumed.delivery.latency.p50Ms > 0);
}

Deno.test("mqbench producer then consumer reports matching counts when run against a real broker", async (t) => {
  const cluster = await startCluster();
  try {
    await t.step("driver client", () => produceThenConsume(cluster, "client"));
    await t.step("driver raw", () => produceThenConsume(cluster, "raw"));
    await t.step("e2e delivers every message sent at the fixed rate", async () => {
      const e2e = summaryOf(
        await mqbench([
          "e2e",
          ...commonArgs(cluster.namesrv),
          "-t",
          "BenchIT_e2e",
          "--rate",
          "200",
          "-c",
          "200",
        ]),
      ); // deno-fmt-ignore
      assert.equal(e2e.rate, 200);
      assert.equal(e2e.send.messages, 200);
      assert.equal(e2e.delivery.messages, 200);
      assert.equal(e2e.sendFailures, 0);
      assert.ok(e2e.delivery.latency.p50Ms > 0 && e2e.delivery.latency.p50Ms < 1000);
    });
  } finally {
    await cluster.broker.stop();
    await cluster.namesrv.stop();
  }
});

Deno.test("mqbench exits 1 with a clear error when no name server listens", async () => {
  const started = performance.now();
  const run = await mqbench(["producer", "-n", `127.0.0.1:${freePort()}`, "-d", "1"]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /Cannot reach name server 127\.0\.0\.1:\d+/);
  assert.ok(performance.now() - started < 15_000);
});

Deno.test("mqbench exits 2 and names the problem when a flag is wrong or a value missing", async () => {
  const unknown = await mqbench(["producer", "--bogus"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /bogus/);
  assert.match(unknown.stderr, /usage:/);
  const missing = await mqbench(["producer", "-t"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /-t/);
});
