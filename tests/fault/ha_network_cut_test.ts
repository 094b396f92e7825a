/**
 * Network cut between master and slave, simulated by freezing the slave
 * process (SIGSTOP: its sockets stay open but nothing is read or sent, as
 * when packets are dropped), then thawing it (SIGCONT). Goals:
 * ASYNC_MASTER keeps acknowledging sends, reports the slave's growing lag
 * (`slaveFallBehindBytes`) and, after `haHousekeepingInterval`, the slave as
 * gone (`haConnectionNum` 0), all through the admin client's
 * GET_BROKER_RUNTIME_INFO; SYNC_MASTER answers FLUSH_SLAVE_TIMEOUT (12)
 * after `syncFlushTimeout` while the frozen slave is still connected,
 * SLAVE_NOT_AVAILABLE (11) once `WAIT=false` sends put it more than
 * `haMaxGapNotInSync` behind (still connected), and 11 once it is reported
 * gone; after the thaw the
 * slave reconnects, catches up byte for byte (also the messages answered 11
 * and 12, which the master stored) and SYNC sends answer SEND_OK again.
 * Method: `namesrv/main.ts` and two `broker/main.ts` processes on 127.0.0.1,
 * raw wire sends, our AdminClient; bounded waits only.
 *
 * Runs on: main thread
 * @module
 */
import assert from "node:assert/strict";
import { AdminClient } from "../../client/mod.ts";
import { type RunningProcess, startNameServer, waitFor, WireClient } from "../harness.ts";
import {
  haClientOptions,
  joined,
  pullAll,
  sendRequest,
  startHaBroker,
} from "../integration/_ha_cluster.ts";
import { sendV2 } from "../integration/semantics_wire.ts";

const TOPIC = "ha_cut_topic";
const QUEUES = 4;
const HOUSEKEEPING_MS = "6000";
/** SYNC_MASTER's `haMaxGapNotInSync` in the test: a few dozen records. */
const MAX_GAP_BYTES = 8192;

async function sameData(masterPort: number, slavePort: number): Promise<boolean> {
  const [a, b] = await Promise.all([
    pullAll(masterPort, TOPIC, QUEUES),
    pullAll(slavePort, TOPIC, QUEUES),
  ]);
  const [x, y] = [joined(a), joined(b)];
  return x.length > 0 && x.length === y.length && x.every((v, i) => v === y[i]);
}

interface Cluster {
  namesrvPort: number;
  master: RunningProcess;
  slave: RunningProcess;
  admin: AdminClient;
  producer: WireClient;
  /** The master's runtime info, read through the admin client. */
  info(): Promise<Record<string, string>>;
  /** Sends `body` and returns the answer code (the request waits at most 8 s). */
  send(body: string, queueId?: number): Promise<number>;
  /** Sends `body` with `WAIT=false` (a SYNC_MASTER does not wait for the slave). */
  sendNoWait(body: string): Promise<number>;
}

async function withCluster(
  role: "ASYNC_MASTER" | "SYNC_MASTER",
  body: (c: Cluster) => Promise<void>,
  masterExtra: Record<string, string> = {},
): Promise<void> {
  const namesrv = await startNameServer();
  const dirs = [await Deno.makeTempDir({ prefix: "ha_cut_m_" })];
  dirs.push(await Deno.makeTempDir({ prefix: "ha_cut_s_" }));
  const extra = { haHousekeepingInterval: HOUSEKEEPING_MS };
  const master = await startHaBroker({
    namesrvPort: namesrv.port,
    storeDir: dirs[0]!,
    role,
    extra: { ...extra, ...masterExtra },
  });
  let slave: RunningProcess | undefined;
  const admin = new AdminClient(haClientOptions(`127.0.0.1:${namesrv.port}`, "cut-admin"));
  let producer: WireClient | undefined;
  try {
    slave = await startHaBroker({
      namesrvPort: namesrv.port,
      storeDir: dirs[1]!,
      role: "SLAVE",
      extra,
    });
    await admin.start();
    const client = producer = await WireClient.connect(master.port);
    const masterAddr = `127.0.0.1:${master.port}`;
    await body({
      namesrvPort: namesrv.port,
      master,
      slave,
      admin,
      producer,
      info: () => admin.brokerRuntimeInfo(masterAddr),
      send: async (text, queueId = 0) =>
        (await client.request(sendRequest(TOPIC, queueId, text), 8000)).code,
      sendNoWait: async (text) =>
        (await client.request(sendV2({ topic: TOPIC, body: text, properties: { WAIT: "false" } })))
          .code,
    });
  } finally {
    if (slave !== undefined) {
      try {
        slave.child.kill("SIGCONT");
      } catch {
        // Already gone.
      }
    }
    await producer?.close();
    await admin.shutdown();
    await slave?.stop();
    await master.stop();
    await namesrv.stop();
    for (const d of dirs) await Deno.remove(d, { recursive: true }).catch(() => undefined);
  }
}

Deno.test("network cut, ASYNC_MASTER: sends go on, lag then a gone slave are reported, slave catches up after", async () => {
  await withCluster("ASYNC_MASTER", async (c) => {
    await waitFor(async () => (await c.info()).haConnectionNum === "1", { timeoutMs: 10_000 });
    for (let i = 0; i < 20; i++) assert.equal(await c.send(`before-${i}`, i % QUEUES), 0);
    await waitFor(() => sameData(c.master.port, c.slave.port), { timeoutMs: 10_000 });
    await waitFor(async () => (await c.info()).slaveFallBehindBytes === "0", { timeoutMs: 5000 });

    c.slave.child.kill("SIGSTOP");
    for (let i = 0; i < 20; i++) assert.equal(await c.send(`cut-${i}`, i % QUEUES), 0);
    // Still connected: the master reports how far the silent slave is behind.
    const lagging = await c.info();
    assert.equal(lagging.haConnectionNum, "1");
    assert.ok(Number(lagging.slaveFallBehindBytes) > 0, JSON.stringify(lagging));
    await waitFor(async () => (await c.info()).haConnectionNum === "0", {
      timeoutMs: 15_000,
      intervalMs: 200,
      message: "the master reports the slave gone",
    });
    assert.equal((await c.info()).haSlaves, "[]");
    for (let i = 0; i < 20; i++) assert.equal(await c.send(`alone-${i}`, i % QUEUES), 0);

    c.slave.child.kill("SIGCONT");
    await waitFor(async () => (await c.info()).haConnectionNum === "1", {
      timeoutMs: 15_000,
      intervalMs: 200,
      message: "the slave reconnects",
    });
    await waitFor(() => sameData(c.master.port, c.slave.port), {
      timeoutMs: 15_000,
      intervalMs: 200,
      message: "the slave catches up",
    });
  });
});

Deno.test("network cut, SYNC_MASTER: 12 while the slave is silent, 11 when too far behind or gone", async () => {
  await withCluster("SYNC_MASTER", async (c) => {
    await waitFor(async () => (await c.info()).haConnectionNum === "1", { timeoutMs: 10_000 });
    assert.equal(await c.send("acked-0"), 0);

    c.slave.child.kill("SIGSTOP");
    // The slave is connected but confirms nothing: the send waits syncFlushTimeout (2 s).
    assert.equal(await c.send("unconfirmed"), 12);
    // Sends that do not wait (WAIT=false) push the silent slave past haMaxGapNotInSync: a
    // waiting send is then answered 11 at once although the slave is still connected.
    for (let i = 0; i < 60; i++) assert.equal(await c.sendNoWait(`nowait-${i}`), 0);
    assert.equal(await c.send("too-far-behind"), 11);
    const lagging = await c.info();
    assert.equal(lagging.haConnectionNum, "1");
    assert.ok(Number(lagging.slaveFallBehindBytes) >= MAX_GAP_BYTES, JSON.stringify(lagging));
    await waitFor(async () => (await c.info()).haConnectionNum === "0", {
      timeoutMs: 15_000,
      intervalMs: 200,
      message: "the master reports the slave gone",
    });
    // No slave: answered at once (within the 8 s request bound, far below it).
    assert.equal(await c.send("no-slave"), 11);

    c.slave.child.kill("SIGCONT");
    await waitFor(async () => (await c.info()).haConnectionNum === "1", {
      timeoutMs: 15_000,
      intervalMs: 200,
      message: "the slave reconnects",
    });
    await waitFor(async () => await c.send("probe") === 0, {
      timeoutMs: 15_000,
      intervalMs: 200,
      message: "SEND_OK again",
    });
    assert.equal(await c.send("acked-1"), 0);
    // Also the messages answered 11 and 12 were stored by the master and reach the slave.
    await waitFor(() => sameData(c.master.port, c.slave.port), {
      timeoutMs: 15_000,
      intervalMs: 200,
      message: "the slave catches up",
    });
  }, { haMaxGapNotInSync: String(MAX_GAP_BYTES) });
});
