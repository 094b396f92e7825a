/**
 * Goal: every mqadmin command works against a running name server and broker. Method: start
 * both in this process on free ports with a temporary store, run `runMqadmin` with captured
 * output through a topic's life (create, send, query, consume, progress, reset, delete), and
 * run `cli/main.ts` once as a process to check the exit code of a bad command line.
 */
import assert from "node:assert/strict";
import { runMqadmin } from "../../cli/admin/mod.ts";
import { startNameServer } from "../../namesrv/mod.ts";
import { startBroker } from "../../broker/mod.ts";
import { Producer, PushConsumer } from "../../client/mod.ts";

interface Result {
  code: number;
  out: string;
  err: string;
}

async function mqadmin(args: string[]): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runMqadmin(args, {
    io: { out: (t) => out.push(t), err: (t) => err.push(t) },
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function ok(args: string[]): Promise<string> {
  const r = await mqadmin(args);
  assert.equal(r.code, 0, `${args.join(" ")} failed: ${r.err}`);
  return r.out;
}

async function until(what: string, fn: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await fn()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

async function clusterViews(n: string[], b: string): Promise<void> {
  assert.match(
    await ok(["clusterList", ...n]),
    new RegExp(`DefaultCluster +broker-a +0 +${b}`),
  );
  assert.match(await ok(["brokerStatus", ...n, "-b", b]), /brokerVersionDesc +: V4_9_4/);
  assert.match(
    await ok(["getBrokerConfig", ...n, "-c", "DefaultCluster"]),
    /brokerName +=\s+broker-a/,
  );
  assert.match(
    await ok(["updateBrokerConfig", ...n, "-b", b, "-k", "longPollingEnable", "-v", "false"]),
    new RegExp(`update broker config success, ${b}`),
  );
  assert.match(await ok(["getBrokerConfig", ...n, "-b", b]), /longPollingEnable += +false/);
  await ok([
    "updateBrokerConfig",
    ...n,
    "-c",
    "DefaultCluster",
    "-k",
    "longPollingEnable",
    "-v",
    "true",
  ]);
  assert.match(await ok(["getBrokerConfig", ...n, "-b", b]), /longPollingEnable += +true/);
  const fixed = await mqadmin(["updateBrokerConfig", ...n, "-b", b, "-k", "listenPort", "-v", "1"]);
  assert.equal(fixed.code, 1);
  assert.match(fixed.err, /listenPort cannot change at run time/);
  const bad = await mqadmin(["updateBrokerConfig", ...n, "-b", b, "-k", "traceOn", "-v", "maybe"]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /invalid value "maybe" for traceOn/);
}

async function topicLife(n: string[], b: string): Promise<void> {
  assert.match(
    await ok([
      "updateTopic",
      ...n,
      "-t",
      "OpsTopic",
      "-c",
      "DefaultCluster",
      "-r",
      "2",
      "-w",
      "2",
    ]),
    new RegExp(`create topic to ${b} success`),
  );
  await until(
    "route",
    async () => (await mqadmin(["topicRoute", ...n, "-t", "OpsTopic"])).code === 0,
  );
  assert.match(await ok(["topicList", ...n]), /^OpsTopic$/m);
  assert.match(
    await ok(["topicRoute", ...n, "-t", "OpsTopic", "-l"]),
    /broker-a +\S+ +2 +2 +6/,
  );
  for (const body of ["one", "two", "three"]) {
    assert.match(
      await ok([
        "sendMessage",
        ...n,
        "-t",
        "OpsTopic",
        "-p",
        body,
        "-k",
        "key-1",
        "-b",
        "broker-a",
        "-i",
        "1",
      ]),
      /broker-a +1 +SEND_OK/,
    );
  }
  assert.match(await ok(["topicStatus", ...n, "-t", "OpsTopic"]), /broker-a +1 +0 +3 /);
  const byKey = await ok(["queryMsgByKey", ...n, "-t", "OpsTopic", "-k", "key-1"]);
  const id = byKey.split("\n")[1]?.split(/\s+/)[0] ?? "";
  assert.equal(byKey.split("\n").length, 4);
  assert.match(await ok(["queryMsgById", ...n, "-i", id]), /Keys +: \[key-1\]/);
  assert.match(
    await ok([
      "queryMsgByOffset",
      ...n,
      "-t",
      "OpsTopic",
      "-b",
      "broker-a",
      "-i",
      "1",
      "-o",
      "2",
    ]),
    /Message Body +: three/,
  );
  // A read-only broker (perm 4) re-registers at once: the route shows it, sends are refused.
  await ok(["updateBrokerConfig", ...n, "-b", b, "-k", "brokerPermission", "-v", "4"]);
  await until(
    "read-only route",
    async () =>
      /broker-a +\S+ +2 +2 +4/.test(await ok(["topicRoute", ...n, "-t", "OpsTopic", "-l"])),
  );
  const refused = await mqadmin([
    "sendMessage",
    ...n,
    "-t",
    "OpsTopic",
    "-p",
    "x",
    "-b",
    "broker-a",
    "-i",
    "0",
  ]);
  assert.notEqual(refused.code, 0);
  await ok(["updateBrokerConfig", ...n, "-b", b, "-k", "brokerPermission", "-v", "6"]);
  await until(
    "writable route",
    async () =>
      /broker-a +\S+ +2 +2 +6/.test(await ok(["topicRoute", ...n, "-t", "OpsTopic", "-l"])),
  );
  const consumed = await ok(["consumeMessage", ...n, "-t", "OpsTopic", "-c", "2"]);
  assert.match(consumed, /Consumed 2 message\(s\)/);
}

async function groupLife(n: string[], b: string): Promise<void> {
  assert.match(await ok(["updateSubGroup", ...n, "-g", "OpsGroup", "-b", b]), /success/);
  const reset = await mqadmin([
    "resetOffsetByTime",
    ...n,
    "-g",
    "OpsGroup",
    "-t",
    "OpsTopic",
    "-s",
    "now",
  ]);
  assert.equal(reset.code, 0, reset.err);
  assert.match(reset.out, /broker-a +1 +3/);
  assert.match(
    await ok(["consumerProgress", ...n, "-g", "OpsGroup"]),
    /OpsTopic +broker-a +1 +3 +3 +N\/A +0/,
  );
  await ok(["resetOffsetByTime", ...n, "-g", "OpsGroup", "-t", "OpsTopic", "-s", "0"]);
  assert.match(await ok(["consumerProgress", ...n, "-g", "OpsGroup"]), /Diff Total: 3/);
  assert.match(await ok(["statsAll", ...n, "-t", "OpsTopic"]), /OpsTopic +OpsGroup +3/);
  const conn = await mqadmin(["consumerConnection", ...n, "-g", "OpsGroup"]);
  assert.equal(conn.code, 1);
  assert.match(conn.err, /not online/);
  const prod = await mqadmin(["producerConnection", ...n, "-g", "nobody", "-t", "OpsTopic"]);
  assert.equal(prod.code, 1);
  assert.match(prod.err, /not exist/);
  assert.match(await ok(["clusterSendMsgRT", ...n, "-a", "3"]), /broker-a +[\d.]+ +3 +0/);
  assert.match(await ok(["deleteSubGroup", ...n, "-g", "OpsGroup", "-b", b]), /success/);
  assert.match(
    await ok(["deleteTopic", ...n, "-t", "OpsTopic", "-c", "DefaultCluster"]),
    /success/,
  );
  await until(
    "route gone",
    async () => (await mqadmin(["topicRoute", ...n, "-t", "OpsTopic"])).code === 1,
  );
}

async function liveConnections(n: string[], b: string): Promise<void> {
  const fast = {
    namesrvAddr: n[1]!,
    pollNameServerIntervalMs: 200,
    heartbeatBrokerIntervalMs: 200,
    rebalanceIntervalMs: 200,
  };
  const producer = new Producer({ ...fast, groupName: "OpsProducer", instanceName: "ops-p" });
  const consumer = new PushConsumer({
    ...fast,
    groupName: "OpsLive",
    instanceName: "ops-c",
    consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
    listener: () => undefined,
  }).subscribe("OpsLiveTopic", "TagA || TagB");
  try {
    await producer.start();
    await producer.send({ topic: "OpsLiveTopic", body: "live", tags: "TagA" });
    await consumer.start();
    await until(
      "consumer online",
      async () => (await mqadmin(["consumerConnection", ...n, "-g", "OpsLive"])).code === 0,
    );
    const conn = await ok(["consumerConnection", ...n, "-g", "OpsLive"]);
    assert.match(conn, /^1 +\S*ops-c\S* +127\.0\.0\.1:\d+ +\S+ +\S+$/m);
    assert.match(conn, /^1 +OpsLiveTopic +TagA \|\| TagB$/m);
    assert.match(conn, /ConsumeType: CONSUME_PASSIVELY/);
    const direct = await ok(["consumerConnection", ...n, "-g", "OpsLive", "-b", b]);
    assert.match(direct, /^1 +OpsLiveTopic +TagA \|\| TagB$/m);
    assert.match(conn, /MessageModel: CLUSTERING/);
    await until(
      "producer online",
      async () =>
        (await mqadmin(["producerConnection", ...n, "-g", "OpsProducer", "-t", "OpsLiveTopic"]))
          .code ===
          0,
    );
    const prod = await ok(["producerConnection", ...n, "-g", "OpsProducer", "-t", "OpsLiveTopic"]);
    // Rates cover whole seconds that have ended: wait for the pull's second to pass.
    await until("consume rate", async () => {
      const progress = await ok(["consumerProgress", ...n, "-g", "OpsLive"]);
      return /Consume TPS: (?!0\.00)\d+\.\d\d/.test(progress);
    });
    const rates = (await ok(["clusterList", ...n])).split("\n")[1]?.trim().split(/\s+/) ?? [];
    assert.ok(Number(rates[5]) > 0, `InTPS of ${rates.join(" ")}`);
    assert.ok(Number(rates[6]) > 0, `OutTPS of ${rates.join(" ")}`);
    assert.match(rates[9] ?? "", /^\d+\.\d\d%$/);
    assert.notEqual(rates[9], "0.00%");
    const status = await ok(["brokerStatus", ...n, "-b", b]);
    assert.match(status, /earliestMessageTimeStamp +: [1-9]\d{12}$/m);
    assert.match(status, /putTps +: (?!0\.00 )\d+\.\d\d /m);
    const more = await ok(["clusterList", ...n, "-m", "true"]);
    assert.match(more, /^#Cluster Name +#Broker Name +#InTotalYest +#OutTotalYest +#InTotalToday/m);
    const today = more.split("\n")[1]?.trim().split(/\s+/) ?? [];
    assert.ok(Number(today[4]) >= 4 && Number(today[5]) >= 1, `today's totals ${today.join(" ")}`);
    const summary = await ok(["consumerProgress", ...n]);
    assert.match(summary, /^OpsLive +1 +\d+ +PUSH +CLUSTERING +\d+ +\d+$/m);
    const stats = await mqadmin(["statsAll", ...n, "-t", "OpsLiveTopic"]);
    assert.equal(stats.err, "");
    assert.match(stats.out, /^OpsLiveTopic +OpsLive +\d+ +0\.02 +0\.02$/m);
    assert.match(prod, /^1 +\S*ops-p\S* +127\.0\.0\.1:\d+ +\S+ +\S+/m);
  } finally {
    await consumer.shutdown();
    await producer.shutdown();
  }
}

Deno.test("mqadmin commands work against a running name server and broker", async (t) => {
  const namesrv = await startNameServer({
    overrides: { listenPort: "0", bindAddress: "127.0.0.1" },
  });
  const n = ["-n", `127.0.0.1:${namesrv.port}`];
  const broker = await startBroker({
    config: {
      listenPort: 0,
      bindAddress: "127.0.0.1",
      brokerIP1: "127.0.0.1",
      brokerName: "broker-a",
      namesrvAddr: `127.0.0.1:${namesrv.port}`,
    },
    tempStore: true,
  });
  const b = broker.address;
  try {
    await t.step("cluster and broker views", () => clusterViews(n, b));
    await t.step("topic life: create, route, status, send, query", () => topicLife(n, b));
    await t.step("live producer and consumer connections", () => liveConnections(n, b));
    await t.step("groups: create, progress, reset, connections, delete", () => groupLife(n, b));
  } finally {
    await broker.close();
    await namesrv.close();
  }
});

Deno.test("cli/main.ts exits 2 and says what is wrong on a missing flag", async () => {
  const main = new URL("../../cli/main.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", main, "topicRoute", "-n", "127.0.0.1:9"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  assert.match(new TextDecoder().decode(out.stderr), /Missing required option: -t, --topic/);
});

Deno.test("runMqadmin() gives up on a name server that never answers after --timeoutMs", async () => {
  // Accepts connections and reads nothing: the request can only time out.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  try {
    const addr = `127.0.0.1:${listener.addr.port}`;
    const r = await mqadmin(["topicList", "-n", addr, "--timeoutMs", "300"]);
    assert.equal(r.code, 1);
    assert.match(r.err, new RegExp(`name server ${addr.replaceAll(".", "\\.")} is unreachable`));
    assert.match(r.err, /timed out|timeout/i);
  } finally {
    listener.close();
    await accepting.catch(() => {});
    for (const conn of held) conn.close();
  }
});
