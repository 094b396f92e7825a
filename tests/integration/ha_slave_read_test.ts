/**
 * Reads redirected to a slave (`slaveReadEnable`). Goal: when a pull finds
 * the consumer further behind the commit-log end than
 * `accessMessageInMemoryMaxRatio` % of RAM (0 % here, so any backlog counts),
 * the master answers `suggestWhichBrokerId` = the group's
 * `whichBrokerWhenConsumeSlowly` (1); our push consumer (100 messages a
 * queue, 32 a pull) follows it, pulls from the slave (the slave counts the
 * messages it served) and gets every message exactly once.
 * Method: `namesrv/main.ts`, an ASYNC_MASTER and a SLAVE `broker/main.ts`
 * with `slaveReadEnable=true`, `accessMessageInMemoryMaxRatio=0` on
 * 127.0.0.1; raw pulls and our PushConsumer.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { PushConsumer } from "../../client/mod.ts";
import { type RunningProcess, startNameServer, waitFor, WireClient } from "../harness.ts";
import {
  bodyCounter,
  haClientOptions,
  joined,
  pullAll,
  pullRequest,
  runtimeInfo,
  sendRequest,
  startHaBroker,
} from "./_ha_cluster.ts";

const TOPIC = "ha_slave_read";
const QUEUES = 4;
const COUNT = 400;

async function sameData(masterPort: number, slavePort: number): Promise<boolean> {
  const [a, b] = await Promise.all([
    pullAll(masterPort, TOPIC, QUEUES),
    pullAll(slavePort, TOPIC, QUEUES),
  ]);
  const [x, y] = [joined(a), joined(b)];
  return x.length > 0 && x.length === y.length && x.every((v, i) => v === y[i]);
}

Deno.test("a consumer far behind is sent to the slave (slaveReadEnable) and reads everything once", async () => {
  const namesrv = await startNameServer();
  const namesrvAddr = `127.0.0.1:${namesrv.port}`;
  const masterDir = await Deno.makeTempDir({ prefix: "ha_read_m_" });
  const slaveDir = await Deno.makeTempDir({ prefix: "ha_read_s_" });
  const extra = { slaveReadEnable: "true", accessMessageInMemoryMaxRatio: "0" };
  const master = await startHaBroker({
    namesrvPort: namesrv.port,
    storeDir: masterDir,
    role: "ASYNC_MASTER",
    extra,
  });
  let slave: RunningProcess | undefined;
  const counter = bodyCounter();
  const consumer = new PushConsumer({
    ...haClientOptions(namesrvAddr, "c-read"),
    groupName: "ha_read_cg",
    consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET",
    suspendTimeoutMs: 1000,
    listener: counter.listener,
  }).subscribe(TOPIC);
  try {
    const client = await WireClient.connect(master.port);
    try {
      for (let i = 0; i < COUNT; i++) {
        assert.equal((await client.request(sendRequest(TOPIC, i % QUEUES, `r-${i}`))).code, 0);
      }
      const pulled = await client.request(pullRequest(TOPIC, 0, 0));
      assert.equal(pulled.code, 0);
      assert.equal(pulled.extFields?.suggestWhichBrokerId, "1");
    } finally {
      await client.close();
    }
    slave = await startHaBroker({
      namesrvPort: namesrv.port,
      storeDir: slaveDir,
      role: "SLAVE",
      extra,
    });
    const slavePort = slave.port;
    await waitFor(() => sameData(master.port, slavePort), { timeoutMs: 10_000 });
    const servedBefore = Number((await runtimeInfo(slavePort)).msgGetTotalTodayNow);
    await consumer.start();
    await waitFor(() => counter.seen.size === COUNT, {
      timeoutMs: 20_000,
      message: `${COUNT} consumed`,
    });
    assert.deepEqual(counter.duplicates(), []);
    const served = Number((await runtimeInfo(slavePort)).msgGetTotalTodayNow) - servedBefore;
    assert.ok(served > 0, `the slave served ${served} messages`);
  } finally {
    await consumer.shutdown();
    await slave?.stop();
    await master.stop();
    await namesrv.stop();
    await Deno.remove(masterDir, { recursive: true }).catch(() => undefined);
    await Deno.remove(slaveDir, { recursive: true }).catch(() => undefined);
  }
});
