/**
 * Two name servers and two broker groups, each a master and a slave
 * (`2m-2s-async`). Goal: every broker registers with both name servers, so
 * each answers a route listing both groups with ids 0 and 1; our producer
 * spreads sends over both groups and a push consumer gets each message
 * exactly once; with one name server stopped the clients go on with the
 * other; with one whole group killed (master and slave, SIGKILL) the route
 * holds the other group only, every send lands there and is consumed.
 * Method: two `namesrv/main.ts` and four `broker/main.ts` as child processes
 * on free ports; our Producer, PushConsumer and AdminClient in this process.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { AdminClient, Producer, PushConsumer } from "../../client/mod.ts";
import { RequestCode } from "../../remoting/mod.ts";
import {
  javaRequest,
  type RunningProcess,
  startNameServer,
  waitFor,
  WireClient,
} from "../harness.ts";
import { bodyCounter, haClientOptions, pullCode, startHaBroker } from "./_ha_cluster.ts";

const TOPIC = "ha_two_groups";
const QUEUES = 4;

async function routeText(namesrvPort: number): Promise<string> {
  const client = await WireClient.connect(namesrvPort);
  try {
    const response = await client.request(
      javaRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: TOPIC }),
    );
    return response.body === undefined ? "" : new TextDecoder().decode(response.body);
  } finally {
    await client.close();
  }
}

/** Starts one broker of `brokerName` registering with `namesrvAddr`. */
async function startBroker(
  namesrvAddr: string,
  brokerName: string,
  role: "ASYNC_MASTER" | "SLAVE",
  owned: { dirs: string[]; processes: RunningProcess[] },
): Promise<RunningProcess> {
  const storeDir = await Deno.makeTempDir({ prefix: `ha_2g_${brokerName}_${role}_` });
  owned.dirs.push(storeDir);
  const broker = await startHaBroker({
    namesrvAddr,
    storeDir,
    role,
    brokerName,
  });
  owned.processes.push(broker);
  return broker;
}

/** Starts one broker per name, in parallel; throws the first failure once all settled. */
async function startBrokers(
  namesrvAddr: string,
  role: "ASYNC_MASTER" | "SLAVE",
  owned: { dirs: string[]; processes: RunningProcess[] },
): Promise<RunningProcess[]> {
  const started = await Promise.allSettled(
    ["broker-a", "broker-b"].map((name) => startBroker(namesrvAddr, name, role, owned)),
  );
  return started.map((r) => {
    if (r.status === "rejected") throw r.reason;
    return r.value;
  });
}

async function sendAll(producer: Producer, prefix: string, count: number): Promise<string[]> {
  const brokers: string[] = [];
  for (let i = 0; i < count; i++) {
    const result = await producer.send({ topic: TOPIC, body: `${prefix}-${i}` });
    assert.equal(result.status, "SEND_OK");
    brokers.push(result.messageQueue.brokerName);
  }
  return brokers;
}

Deno.test("2m-2s: routes, sends and consumption across two groups; one group down, the other serves", async () => {
  const ns1 = await startNameServer();
  let ns1Running = true;
  const ns2 = await startNameServer();
  const namesrvAddr = `127.0.0.1:${ns1.port};127.0.0.1:${ns2.port}`;
  const owned = { dirs: [] as string[], processes: [] as RunningProcess[] };
  const admin = new AdminClient(haClientOptions(namesrvAddr, "admin-2g"));
  const producer = new Producer({ ...haClientOptions(namesrvAddr, "p-2g"), groupName: "pg_2g" });
  const counter = bodyCounter();
  const consumer = new PushConsumer({
    ...haClientOptions(namesrvAddr, "c-2g"),
    groupName: "cg_2g",
    consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
    suspendTimeoutMs: 1000,
    listener: counter.listener,
  }).subscribe(TOPIC);
  try {
    // Masters first: a slave copies the topics its master has when it joins.
    const masters = await startBrokers(namesrvAddr, "ASYNC_MASTER", owned);
    await admin.start();
    await waitFor(async () => (await admin.clusterInfo()).brokerAddrTable.size === 2, {
      timeoutMs: 10_000,
      message: "two groups registered",
    });
    await admin.createTopic(TOPIC, { clusterName: "DefaultCluster" }, {
      readQueueNums: QUEUES,
      writeQueueNums: QUEUES,
    });
    const slaves = await startBrokers(namesrvAddr, "SLAVE", owned);
    const groupB = [masters[1]!, slaves[1]!];
    // Both name servers route both groups, master and slave.
    for (const port of [ns1.port, ns2.port]) {
      await waitFor(async () => {
        const text = await routeText(port);
        return owned.processes.every((p) => text.includes(`"127.0.0.1:${p.port}"`)) &&
          text.includes('"brokerName":"broker-a"') && text.includes('"brokerName":"broker-b"');
      }, { timeoutMs: 10_000, message: `full route on name server ${port}` });
    }
    for (const slave of slaves) {
      await waitFor(async () => await pullCode(slave.port, TOPIC) !== 17, { timeoutMs: 10_000 });
    }

    await producer.start();
    await consumer.start();
    const first = await sendAll(producer, "m", 80);
    assert.deepEqual(new Set(first), new Set(["broker-a", "broker-b"]));
    await waitFor(() => counter.seen.size === 80, { timeoutMs: 15_000, message: "80 consumed" });

    // One name server gone: the clients use the other.
    await ns1.stop();
    ns1Running = false;
    await sendAll(producer, "n", 10);
    await waitFor(() => counter.seen.size === 90, { timeoutMs: 15_000, message: "90 consumed" });

    // Group broker-b gone entirely: its route disappears, broker-a takes every send.
    await Promise.all(groupB.map((p) => p.kill()));
    owned.processes = owned.processes.filter((p) => !groupB.includes(p));
    await waitFor(async () => {
      const route = await admin.topicRoute(TOPIC);
      return route.brokerDatas.length === 1 && route.brokerDatas[0]?.brokerName === "broker-a";
    }, { timeoutMs: 10_000, message: "route of broker-a only" });
    const after = await sendAll(producer, "o", 40);
    assert.deepEqual(new Set(after), new Set(["broker-a"]));
    await waitFor(() => counter.seen.size === 130, { timeoutMs: 15_000, message: "130 consumed" });
    assert.deepEqual(counter.duplicates(), []);
  } finally {
    await consumer.shutdown();
    await producer.shutdown();
    await admin.shutdown();
    await Promise.all(owned.processes.map((p) => p.stop()));
    if (ns1Running) await ns1.stop();
    await ns2.stop();
    for (const dir of owned.dirs) await Deno.remove(dir, { recursive: true });
  }
});
