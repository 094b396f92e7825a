/**
 * Goal: `mqadmin queryMsgById -g group -d clientId` has one live push consumer consume a stored
 * message now (CONSUME_MESSAGE_DIRECTLY: mqadmin -> broker -> the consumer's connection -> back)
 * and prints Java's `ConsumeMessageDirectlyResult`; `-s true` sends the message again to its
 * topic; GET_CONSUMER_RUNNING_INFO reaches the consumer the same way; `clusterList -i` repeats
 * (bounded with `--rounds` in process, stopped by SIGINT as a process). Method: a name server and
 * a broker started in this process on free ports (real sockets), our `PushConsumer` subscribed
 * to another topic (so its listener sees the message only through the direct push), and
 * `runMqadmin` with captured output.
 *
 * Runs on: main thread
 */
import assert from "node:assert/strict";
import { runMqadmin } from "../../cli/admin/mod.ts";
import { startNameServer } from "../../namesrv/mod.ts";
import { startBroker } from "../../broker/mod.ts";
import { AdminClient, type MessageView, Producer, PushConsumer } from "../../client/mod.ts";

async function mqadmin(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runMqadmin(args, {
    io: { out: (t) => out.push(t), err: (t) => err.push(t) },
    env: () => undefined,
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function until(what: string, fn: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await fn()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

async function pushDirectly(
  n: string[],
  offsetMsgId: string,
  clientId: string,
  seen: MessageView[],
): Promise<void> {
  const sent = { offsetMsgId };
  const pushed = await mqadmin([
    "queryMsgById",
    ...n,
    "-i",
    sent.offsetMsgId,
    "-g",
    "DirectGroup",
    "-d",
    clientId,
  ]);
  assert.equal(pushed.code, 0, pushed.err);
  assert.match(
    pushed.out,
    /^ConsumeMessageDirectlyResult \[order=false, autoCommit=true, consumeResult=CR_SUCCESS, remark=null, spentTimeMills=\d+\]$/,
  );
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.topic, "DirectTopic");
  assert.equal(new TextDecoder().decode(seen[0]?.body), "push me");
  assert.equal(seen[0]?.offsetMsgId, sent.offsetMsgId);

  const absent = await mqadmin([
    "queryMsgById",
    ...n,
    "-i",
    sent.offsetMsgId,
    "-g",
    "DirectGroup",
    "-d",
    "127.0.0.1@nobody",
  ]);
  assert.equal(absent.code, 1);
  assert.match(absent.err, /The Consumer <DirectGroup> <127\.0\.0\.1@nobody> not online/);
  const half = await mqadmin(["queryMsgById", ...n, "-i", sent.offsetMsgId, "-g", "DirectGroup"]);
  assert.equal(half.code, 2);
}

async function resend(n: string[], offsetMsgId: string, admin: AdminClient): Promise<void> {
  const sent = { offsetMsgId };
  const messages = async () =>
    (await admin.topicStats("DirectTopic")).reduce(
      (sum, q) => sum + q.maxOffset - q.minOffset,
      0,
    );
  assert.equal(await messages(), 1);
  const resent = await mqadmin(["queryMsgById", ...n, "-i", sent.offsetMsgId, "-s", "true"]);
  assert.equal(resent.code, 0, resent.err);
  assert.match(resent.out, new RegExp(`prepare resend msg\\. originalMsgId=${sent.offsetMsgId}`));
  assert.match(
    resent.out,
    /SendResult \[sendStatus=SEND_OK, msgId=\S+, offsetMsgId=\S+, messageQueue=MessageQueue \[topic=DirectTopic, brokerName=broker-d, queueId=\d+\], queueOffset=\d+\]/,
  );
  assert.equal(await messages(), 2);
  const copyId = /offsetMsgId=(\S+),/.exec(resent.out)?.[1] ?? "";
  const copy = await admin.viewMessage(copyId);
  assert.equal(new TextDecoder().decode(copy.body), "push me");
  assert.equal(copy.tags, "TagD");
  assert.deepEqual(copy.keys, ["k-direct"]);
  const unit = await mqadmin(["queryMsgById", ...n, "-i", sent.offsetMsgId, "-u", "u1"]);
  assert.equal(unit.code, 0, unit.err);
  assert.match(unit.err, /-u \(unit name\) is ignored/);
}

async function clusterListRepeats(n: string[]): Promise<void> {
  const twice = await mqadmin(["clusterList", ...n, "-i", "1", "--rounds", "2"]);
  assert.equal(twice.code, 0, twice.err);
  assert.equal(twice.out.match(/^#Cluster Name/gm)?.length, 2);
  assert.equal((twice.out.match(/broker-d/g) ?? []).length, 2);
  const lonely = await mqadmin(["clusterList", ...n, "--rounds", "2"]);
  assert.equal(lonely.code, 2);
}

/** `clusterList -i 1` as a process: it prints until SIGINT, then exits 0. */
async function clusterListStopsOnSigint(n: string[]): Promise<void> {
  const main = new URL("../../cli/main.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", main, "clusterList", ...n, "-i", "1"],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.getReader();
  let text = "";
  const deadline = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    for (let i = 0; i < 1000 && !text.includes("broker-d"); i++) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    assert.match(text, /broker-d/);
    child.kill("SIGINT");
    for (let i = 0; i < 1000; i++) {
      if ((await reader.read()).done) break;
    }
    const status = await child.status;
    assert.equal(status.code, 0);
    assert.equal(status.signal, null);
  } finally {
    clearTimeout(deadline);
    reader.releaseLock();
  }
}

Deno.test("mqadmin queryMsgById -g/-d pushes a message to a live consumer, -s resends it; clusterList -i repeats", async () => {
  const namesrv = await startNameServer({
    overrides: { listenPort: "0", bindAddress: "127.0.0.1" },
  });
  const namesrvAddr = `127.0.0.1:${namesrv.port}`;
  const n = ["-n", namesrvAddr];
  const broker = await startBroker({
    config: {
      listenPort: 0,
      bindAddress: "127.0.0.1",
      brokerIP1: "127.0.0.1",
      brokerName: "broker-d",
      namesrvAddr,
    },
    tempStore: true,
  });
  const fast = {
    namesrvAddr,
    pollNameServerIntervalMs: 200,
    heartbeatBrokerIntervalMs: 200,
    rebalanceIntervalMs: 200,
  };
  const seen: MessageView[] = [];
  const producer = new Producer({ ...fast, groupName: "DirectProducer", instanceName: "dir-p" });
  const consumer = new PushConsumer({
    ...fast,
    groupName: "DirectGroup",
    instanceName: "dir-c",
    listener: (messages) => {
      seen.push(...messages.filter((m) => m.topic === "DirectTopic"));
      return "CONSUME_SUCCESS";
    },
  }).subscribe("DirectOther", "*");
  const admin = new AdminClient({ namesrvAddr });
  try {
    await producer.start();
    // The consumer's topic needs a route, or the consumer knows no broker to heartbeat to.
    await producer.send({ topic: "DirectOther", body: "other" });
    const sent = await producer.send({
      topic: "DirectTopic",
      body: "push me",
      tags: "TagD",
      keys: "k-direct",
    });
    await consumer.start();
    await admin.start();
    let clientId = "";
    await until("consumer online", async () => {
      const conns = await admin.consumerConnections("DirectGroup").catch(() => []);
      clientId = conns[0]?.clientId ?? "";
      return clientId !== "";
    });

    await pushDirectly(n, sent.offsetMsgId, clientId, seen);
    const info = await admin.consumerRunningInfo("DirectGroup", clientId);
    const properties = info.properties as Record<string, unknown>;
    assert.equal(properties.consumeType, "CONSUME_PASSIVELY");

    await resend(n, sent.offsetMsgId, admin);
    assert.equal(seen.length, 1);
    await clusterListRepeats(n);
    await clusterListStopsOnSigint(n);
  } finally {
    await admin.shutdown();
    await consumer.shutdown();
    await producer.shutdown();
    await broker.close();
    await namesrv.close();
  }
});
