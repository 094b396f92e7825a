/**
 * SYNC_MASTER under faults. Goal: without a slave, a send answers
 * SLAVE_NOT_AVAILABLE (11) at once (the message is still stored); with a
 * slave, the master is killed with SIGKILL while a producer runs and every
 * message it acknowledged with SEND_OK is on the slave and consumable there.
 * Method: real `namesrv/main.ts` and `broker/main.ts` processes on
 * 127.0.0.1, a raw wire producer, pulls from the slave after the kill.
 *
 * Runs on: main thread
 * @module
 */
import { equal, ok } from "node:assert/strict";
import { decodeStoredMessages } from "../../common/mod.ts";
import { startNameServer, waitFor, WireClient } from "../harness.ts";
import { pullAll, runtimeInfo, sendRequest, startHaBroker } from "../integration/_ha_cluster.ts";

const TOPIC = "ha_sync_topic";
const decoder = new TextDecoder();

Deno.test("SYNC_MASTER: no slave gives 11 at once; every SEND_OK survives a SIGKILL of the master on the slave", async () => {
  const namesrv = await startNameServer();
  const masterDir = await Deno.makeTempDir({ prefix: "ha_sync_master_" });
  const slaveDir = await Deno.makeTempDir({ prefix: "ha_sync_slave_" });
  const master = await startHaBroker({
    namesrvPort: namesrv.port,
    storeDir: masterDir,
    role: "SYNC_MASTER",
  });
  let slave: Awaited<ReturnType<typeof startHaBroker>> | undefined;
  try {
    const producer = await WireClient.connect(master.port);
    // 11 is answered before any wait (a timed-out wait answers 12); no clock assertion.
    const lonely = await producer.request(sendRequest(TOPIC, 0, "lonely"));
    equal(lonely.code, 11);
    slave = await startHaBroker({ namesrvPort: namesrv.port, storeDir: slaveDir, role: "SLAVE" });
    await waitFor(async () => (await runtimeInfo(master.port)).haConnectionNum === "1", {
      timeoutMs: 5000,
    });
    const acked: string[] = [];
    let killed: Promise<unknown> | undefined;
    for (let i = 0; i < 400; i++) {
      let code: number;
      try {
        code = (await producer.request(sendRequest(TOPIC, i % 4, `sync-${i}`), 3000)).code;
      } catch {
        break; // The master is gone.
      }
      if (code === 0) acked.push(`sync-${i}`);
      if (i === 60) killed = master.kill();
    }
    await killed;
    await producer.close();
    ok(acked.length >= 60, `acknowledged ${acked.length}`);
    const slavePort = slave.port;
    const bodies = new Set<string>();
    for (const part of await pullAll(slavePort, TOPIC, 4)) {
      for (const m of decodeStoredMessages(part)) bodies.add(decoder.decode(m.body));
    }
    const missing = acked.filter((b) => !bodies.has(b));
    equal(missing.length, 0, `missing on the slave: ${missing.slice(0, 5).join(", ")}`);
  } finally {
    await slave?.stop();
    await master.stop();
    await namesrv.stop();
    await Deno.remove(masterDir, { recursive: true }).catch(() => undefined);
    await Deno.remove(slaveDir, { recursive: true }).catch(() => undefined);
  }
});
