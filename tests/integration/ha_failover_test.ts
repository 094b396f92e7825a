/**
 * Master down and back with our client. Goal: while the master is gone
 * (SIGKILL), a running consumer keeps pulling from the slave and a new
 * consumer group reads every message from it (offsets read from and
 * committed to the slave); producers find no writable queue; when the master
 * comes back on its address, producers send to it again, both groups consume
 * the new messages, nothing is lost, nothing is consumed twice, and the
 * master holds the groups' final offsets.
 * Method: `namesrv/main.ts`, an ASYNC_MASTER on fixed ports (so it can come
 * back on the same address) and a SLAVE as child processes; our Producer and
 * PushConsumer in this process with fast route refresh and offset persistence.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { AdminClient, Producer, PushConsumer } from "../../client/mod.ts";
import { type RunningProcess, startNameServer, waitFor } from "../harness.ts";
import {
  bodyCounter,
  fixedMasterPorts,
  haClientOptions,
  pullCode,
  startHaBroker,
} from "./_ha_cluster.ts";

const TOPIC = "ha_failover";
const QUEUES = 4;
const SUSPEND_MS = 1000;

function consumer(namesrvAddr: string, group: string, listener: ReturnType<typeof bodyCounter>) {
  return new PushConsumer({
    ...haClientOptions(namesrvAddr, `c-${group}`),
    groupName: group,
    consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
    suspendTimeoutMs: SUSPEND_MS,
    listener: listener.listener,
  }).subscribe(TOPIC);
}

async function sendAll(producer: Producer, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const result = await producer.send({ topic: TOPIC, body: `${prefix}-${i}` });
    assert.equal(result.status, "SEND_OK");
  }
}

/** Sum of the consumer offsets of `group` the masters report. */
async function masterOffsets(admin: AdminClient, group: string): Promise<number> {
  try {
    const stats = await admin.consumeStats(group, TOPIC);
    return stats.reduce((n, s) => n + s.consumerOffset, 0);
  } catch {
    return -1;
  }
}

Deno.test("consumers continue from the slave while the master is down; all return to it when it is back", async () => {
  const namesrv = await startNameServer();
  const namesrvAddr = `127.0.0.1:${namesrv.port}`;
  const masterDir = await Deno.makeTempDir({ prefix: "ha_fo_master_" });
  const slaveDir = await Deno.makeTempDir({ prefix: "ha_fo_slave_" });
  const ports = fixedMasterPorts();
  const startMaster = () =>
    startHaBroker({
      namesrvPort: namesrv.port,
      storeDir: masterDir,
      role: "ASYNC_MASTER",
      extra: ports,
    });
  let master: RunningProcess | undefined = await startMaster();
  let slave: RunningProcess | undefined;
  const admin = new AdminClient(haClientOptions(namesrvAddr, "admin"));
  const producer = new Producer({ ...haClientOptions(namesrvAddr, "p"), groupName: "ha_pg" });
  const early = bodyCounter();
  const late = bodyCounter();
  const earlyConsumer = consumer(namesrvAddr, "ha_early", early);
  const lateConsumer = consumer(namesrvAddr, "ha_late", late);
  try {
    await admin.start();
    await admin.createTopic(TOPIC, { brokerAddr: `127.0.0.1:${master.port}` }, {
      readQueueNums: QUEUES,
      writeQueueNums: QUEUES,
    });
    slave = await startHaBroker({ namesrvPort: namesrv.port, storeDir: slaveDir, role: "SLAVE" });
    const slavePort = slave.port;
    // The slave learned the topic from its master.
    await waitFor(async () => await pullCode(slavePort, TOPIC) !== 17, { timeoutMs: 10_000 });
    await producer.start();
    await earlyConsumer.start();
    await sendAll(producer, "a", 40);
    await waitFor(() => early.seen.size === 40, { timeoutMs: 15_000, message: "40 on master" });

    // Master gone: the early consumer stays, a new group reads everything from the slave.
    const masterAddr = `127.0.0.1:${master.port}`;
    await waitFor(async () => await pullCode(slavePort, TOPIC) === 0, { timeoutMs: 10_000 });
    await master.kill();
    master = undefined;
    await waitFor(async () => {
      const route = await admin.topicRoute(TOPIC);
      return route.brokerDatas.every((b) => !b.brokerAddrs.has(0));
    }, { timeoutMs: 10_000, message: "route without master" });
    await lateConsumer.start();
    await waitFor(() => late.seen.size === 40, { timeoutMs: 20_000, message: "40 from slave" });
    await assert.rejects(producer.send({ topic: TOPIC, body: "nowhere" }));

    // Master back on the same address: sends go to it, both groups consume them.
    master = await startMaster();
    assert.equal(`127.0.0.1:${master.port}`, masterAddr);
    await waitFor(async () => {
      const route = await admin.topicRoute(TOPIC);
      return route.brokerDatas.some((b) => b.brokerAddrs.get(0) === masterAddr);
    }, { timeoutMs: 10_000, message: "route with master" });
    await waitFor(async () => {
      try {
        await sendAll(producer, "b", 1);
        return true;
      } catch {
        return false;
      }
    }, { timeoutMs: 10_000, intervalMs: 200, message: "a send to the master" });
    await sendAll(producer, "c", 39);
    await waitFor(() => early.seen.size === 80 && late.seen.size === 80, {
      timeoutMs: 20_000,
      message: "80 in both groups",
    });
    assert.deepEqual(early.duplicates(), []);
    assert.deepEqual(late.duplicates(), []);
    // The master holds both groups' offsets: all 80 consumed.
    await waitFor(async () => await masterOffsets(admin, "ha_late") === 80, {
      timeoutMs: 10_000,
      message: "ha_late offsets on the master",
    });
    await waitFor(async () => await masterOffsets(admin, "ha_early") === 80, {
      timeoutMs: 10_000,
      message: "ha_early offsets on the master",
    });
  } finally {
    await lateConsumer.shutdown();
    await earlyConsumer.shutdown();
    await producer.shutdown();
    await admin.shutdown();
    await slave?.stop();
    await master?.stop();
    await namesrv.stop();
    await Deno.remove(masterDir, { recursive: true });
    await Deno.remove(slaveDir, { recursive: true });
  }
});
