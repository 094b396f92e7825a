/**
 * A slave ahead of a new master is cut back to it (RocketMQ truncates the
 * slave to the master's offset), never diverging. Goal: a master restarted
 * from an older copy of its store (it lost its newest messages) takes its
 * slave, which holds those newer messages, back: after reconnecting, the
 * slave's records equal the master's byte for byte (the lost messages are
 * gone from the slave's queues too), and messages sent to the new master
 * afterwards replicate on top of it at the same offsets.
 * Method: `namesrv/main.ts`, an ASYNC_MASTER on fixed ports (so the slave
 * finds it again) and a SLAVE as processes on 127.0.0.1; the master's store
 * folder is copied while it is stopped, the master runs on, then is replaced
 * by a master started on the copy.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { decodeStoredMessages } from "../../common/mod.ts";
import { type RunningProcess, startNameServer, waitFor, WireClient } from "../harness.ts";
import {
  fixedMasterPorts,
  joined,
  pullAll,
  runtimeInfo,
  sendRequest,
  startHaBroker,
} from "./_ha_cluster.ts";

const TOPIC = "ha_truncate";
const QUEUES = 4;
const decoder = new TextDecoder();

async function sendAll(port: number, prefix: string, count: number): Promise<void> {
  const client = await WireClient.connect(port);
  try {
    for (let i = 0; i < count; i++) {
      const code = (await client.request(sendRequest(TOPIC, i % QUEUES, `${prefix}-${i}`))).code;
      assert.equal(code, 0);
    }
  } finally {
    await client.close();
  }
}

async function bodies(port: number): Promise<string[]> {
  const out: string[] = [];
  for (const part of await pullAll(port, TOPIC, QUEUES)) {
    for (const m of decodeStoredMessages(part)) out.push(decoder.decode(m.body));
  }
  return out.sort();
}

async function sameData(masterPort: number, slavePort: number): Promise<boolean> {
  const [a, b] = await Promise.all([
    pullAll(masterPort, TOPIC, QUEUES),
    pullAll(slavePort, TOPIC, QUEUES),
  ]);
  const [x, y] = [joined(a), joined(b)];
  return x.length > 0 && x.length === y.length && x.every((v, i) => v === y[i]);
}

async function copyDir(from: string, to: string): Promise<void> {
  const out = await new Deno.Command("cp", { args: ["-a", `${from}/.`, to] }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

Deno.test("a slave ahead of a master restarted from an older store is cut back to it", async () => {
  const namesrv = await startNameServer();
  const masterDir = await Deno.makeTempDir({ prefix: "ha_trunc_m_" });
  const olderDir = await Deno.makeTempDir({ prefix: "ha_trunc_old_" });
  const slaveDir = await Deno.makeTempDir({ prefix: "ha_trunc_s_" });
  const ports = fixedMasterPorts();
  const startMaster = (storeDir: string) =>
    startHaBroker({ namesrvPort: namesrv.port, storeDir, role: "ASYNC_MASTER", extra: ports });
  let master: RunningProcess | undefined = await startMaster(masterDir);
  let slave: RunningProcess | undefined;
  try {
    slave = await startHaBroker({ namesrvPort: namesrv.port, storeDir: slaveDir, role: "SLAVE" });
    const slavePort = slave.port;
    await sendAll(master.port, "a", 30);
    await waitFor(() => sameData(master!.port, slavePort), { timeoutMs: 10_000 });
    assert.equal((await master.stop()).code, 0);
    await copyDir(masterDir, olderDir);

    // The master runs on and the slave copies 30 more messages.
    master = await startMaster(masterDir);
    await sendAll(master.port, "b", 30);
    await waitFor(() => sameData(master!.port, slavePort), { timeoutMs: 10_000 });
    assert.equal((await bodies(slavePort)).length, 60);
    assert.equal((await master.stop()).code, 0);
    master = undefined;

    // A master on the older copy: the slave is ahead of it and must be cut back.
    master = await startMaster(olderDir);
    const older = master.port;
    await waitFor(async () => (await runtimeInfo(older)).haConnectionNum === "1", {
      timeoutMs: 15_000,
      intervalMs: 200,
      message: "the slave connects to the older master",
    });
    await waitFor(() => sameData(older, slavePort), {
      timeoutMs: 10_000,
      message: "the slave equals the older master",
    });
    const afterCut = await bodies(slavePort);
    assert.equal(afterCut.length, 30);
    assert.ok(afterCut.every((b) => b.startsWith("a-")), afterCut.join(","));
    const slaveInfo = await runtimeInfo(slavePort);
    const masterInfo = await runtimeInfo(older);
    assert.equal(slaveInfo.haConnected, "true");
    assert.equal(masterInfo.slaveFallBehindBytes, "0");

    // New messages on the older master replicate on top of the cut.
    await sendAll(older, "c", 20);
    await waitFor(() => sameData(older, slavePort), { timeoutMs: 10_000 });
    const final = await bodies(slavePort);
    assert.equal(final.length, 50);
    assert.equal(final.filter((b) => b.startsWith("b-")).length, 0);
  } finally {
    await slave?.stop();
    await master?.stop();
    await namesrv.stop();
    for (const d of [masterDir, olderDir, slaveDir]) {
      await Deno.remove(d, { recursive: true }).catch(() => undefined);
    }
  }
});
