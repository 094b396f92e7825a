/**
 * One master and one slave as real processes. Goal: a slave started late
 * catches up from zero and holds every message byte for byte (pulls from
 * both answer the same records) and finds a message by key (its index); routes list both broker ids; the slave
 * refuses sends with SERVICE_NOT_AVAILABLE (14); a slave killed with SIGKILL
 * and restarted on its store resumes and catches up again; the master
 * reports the slave in GET_BROKER_RUNTIME_INFO and reports it gone once it
 * stopped, while it keeps serving sends (async mode).
 * Method: `namesrv/main.ts` and two `broker/main.ts` on 127.0.0.1 with free
 * ports, two store shards, 64 KiB segments, 500 ms HA heartbeats.
 *
 * Runs on: main thread
 * @module
 */
import { deepEqual, equal } from "node:assert/strict";
import { decodeStoredMessages } from "../../common/mod.ts";
import { RequestCode } from "../../remoting/mod.ts";
import { javaRequest, startNameServer, waitFor, WireClient } from "../harness.ts";
import { joined, pullAll, runtimeInfo, sendRequest, startHaBroker } from "./_ha_cluster.ts";

const TOPIC = "ha_topic";
const QUEUES = 4;

async function send(port: number, from: number, count: number): Promise<number[]> {
  const client = await WireClient.connect(port);
  const codes: number[] = [];
  try {
    for (let i = from; i < from + count; i++) {
      const response = await client.request(sendRequest(TOPIC, i % QUEUES, `msg-${i}`));
      codes.push(response.code);
    }
  } finally {
    await client.close();
  }
  return codes;
}

async function sameData(masterPort: number, slavePort: number): Promise<boolean> {
  const [a, b] = await Promise.all([
    pullAll(masterPort, TOPIC, QUEUES),
    pullAll(slavePort, TOPIC, QUEUES),
  ]);
  const [x, y] = [joined(a), joined(b)];
  return x.length > 0 && x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Bodies (comma-joined) that QUERY_MESSAGE by `key` finds on the broker at `port`. */
async function keyQueryBodies(port: number, key: string): Promise<string> {
  const client = await WireClient.connect(port);
  try {
    const answer = await client.request(javaRequest(RequestCode.QUERY_MESSAGE, {
      topic: TOPIC,
      key,
      maxNum: "32",
      beginTimestamp: String(Date.now() - 600_000),
      endTimestamp: String(Date.now() + 1000),
    }));
    if (answer.code !== 0 || answer.body === undefined) return `code ${answer.code}`;
    return decodeStoredMessages(answer.body).map((m) => new TextDecoder().decode(m.body)).join(",");
  } finally {
    await client.close();
  }
}

Deno.test("master and slave: late slave catches up, refuses sends, resumes after SIGKILL", async () => {
  const namesrv = await startNameServer();
  const masterDir = await Deno.makeTempDir({ prefix: "ha_master_" });
  const slaveDir = await Deno.makeTempDir({ prefix: "ha_slave_" });
  const master = await startHaBroker({
    namesrvPort: namesrv.port,
    storeDir: masterDir,
    role: "ASYNC_MASTER",
  });
  let slave: Awaited<ReturnType<typeof startHaBroker>> | undefined;
  try {
    deepEqual(new Set(await send(master.port, 0, 60)), new Set([0]));
    slave = await startHaBroker({ namesrvPort: namesrv.port, storeDir: slaveDir, role: "SLAVE" });
    const slavePort = slave.port;
    await waitFor(() => sameData(master.port, slavePort), { timeoutMs: 10_000, intervalMs: 100 });
    // Routes list both ids of the group.
    const ns = await WireClient.connect(namesrv.port);
    try {
      const route = await ns.request(
        javaRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: TOPIC }),
      );
      const text = new TextDecoder().decode(route.body);
      equal(text.includes(`"0":"127.0.0.1:${master.port}"`), true, text);
      equal(text.includes(`"1":"127.0.0.1:${slavePort}"`), true, text);
    } finally {
      await ns.close();
    }
    deepEqual(await send(slavePort, 0, 1), [14]);
    // The slave rebuilt the key index: a key query it answers finds the message.
    equal(await keyQueryBodies(slavePort, "msg-17"), "msg-17");
    const info = await runtimeInfo(master.port);
    equal(info.haConnectionNum, "1");
    // Writes while connected arrive too; then the slave dies hard and comes back.
    deepEqual(new Set(await send(master.port, 60, 40)), new Set([0]));
    await waitFor(() => sameData(master.port, slavePort), { timeoutMs: 10_000, intervalMs: 100 });
    await slave.kill();
    slave = undefined;
    await waitFor(async () => (await runtimeInfo(master.port)).haConnectionNum === "0", {
      timeoutMs: 5000,
    });
    deepEqual(new Set(await send(master.port, 100, 40)), new Set([0]));
    slave = await startHaBroker({ namesrvPort: namesrv.port, storeDir: slaveDir, role: "SLAVE" });
    const again = slave.port;
    await waitFor(() => sameData(master.port, again), { timeoutMs: 10_000, intervalMs: 100 });
    const slaveInfo = await runtimeInfo(again);
    equal(slaveInfo.masterAddr, `127.0.0.1:${master.port}`);
  } finally {
    await slave?.stop();
    await master.stop();
    await namesrv.stop();
    await Deno.remove(masterDir, { recursive: true }).catch(() => undefined);
    await Deno.remove(slaveDir, { recursive: true }).catch(() => undefined);
  }
});

Deno.test("a slave given haMasterAddress replicates without learning its master from a name server", async () => {
  const namesrv = await startNameServer();
  const otherNamesrv = await startNameServer();
  const masterDir = await Deno.makeTempDir({ prefix: "ha_cfg_master_" });
  const slaveDir = await Deno.makeTempDir({ prefix: "ha_cfg_slave_" });
  const master = await startHaBroker({
    namesrvPort: namesrv.port,
    storeDir: masterDir,
    role: "ASYNC_MASTER",
  });
  let slave: Awaited<ReturnType<typeof startHaBroker>> | undefined;
  try {
    deepEqual(new Set(await send(master.port, 0, 30)), new Set([0]));
    const haAddr = (await runtimeInfo(master.port)).haServerAddr!;
    // Registered with a name server that does not know the master: only the setting leads to it.
    slave = await startHaBroker({
      namesrvPort: otherNamesrv.port,
      storeDir: slaveDir,
      role: "SLAVE",
      extra: { haMasterAddress: haAddr },
    });
    const slavePort = slave.port;
    // No master learned, so no metadata sync either (the slave does not know the topic): compare
    // the commit logs' sizes and the slave's confirmed ends with what the master reports.
    const written = (await runtimeInfo(master.port)).commitLogMaxOffset;
    await waitFor(async () => (await runtimeInfo(slavePort)).commitLogMaxOffset === written, {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    const info = await runtimeInfo(slavePort);
    equal(info.haMasterAddr, haAddr);
    equal(info.masterAddr, "");
    // The master reports the offsets the slave confirmed.
    const acked = async () => {
      const slaves = JSON.parse((await runtimeInfo(master.port)).haSlaves!) as {
        ackOffsets: number[];
      }[];
      return JSON.stringify(slaves.map((s) => s.ackOffsets));
    };
    await waitFor(async () => await acked() === `[${info.haConfirmedOffsets}]`, {
      timeoutMs: 5000,
    });
  } finally {
    await slave?.stop();
    await master.stop();
    await otherNamesrv.stop();
    await namesrv.stop();
    await Deno.remove(masterDir, { recursive: true }).catch(() => undefined);
    await Deno.remove(slaveDir, { recursive: true }).catch(() => undefined);
  }
});
