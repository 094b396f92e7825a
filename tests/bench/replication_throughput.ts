/**
 * Replication benchmark (a script, not `Deno.bench`): produce throughput of an
 * ASYNC_MASTER alone and with one slave attached, and the slave's lag under
 * that load (largest backlog of master bytes the slave had not confirmed,
 * sampled every 50 ms, divided by the produce rate in bytes per second).
 * Real processes on 127.0.0.1; 1 KiB bodies, 32 sends in flight. `rounds`
 * (default 2) pairs of runs in ABBA order; the ratio is sum with slave over
 * sum alone. CPU per message of the master and the slave processes (from
 * `/proc`, Linux) is printed too: on a shared machine it is steadier than
 * throughput and shows what replication costs the master.
 *
 * ```
 * deno run -A tests/bench/replication_throughput.ts [seconds] [rounds]
 * ```
 *
 * Environment: `HA_BATCH` sets `haTransferBatchSize` (default 32768);
 * `HA_PROF_DIR` runs both brokers with `--cpu-prof` into
 * `<dir>/<run>-master` and `<dir>/<run>-slave` (one profile per thread);
 * `HA_THREADS` prints each run's CPU per message per thread to stderr;
 * `HA_MASTER_ROLE=SYNC_MASTER` runs a SYNC_MASTER (alone, every send then
 * answers SLAVE_NOT_AVAILABLE and counts as not sent).
 *
 * Runs on: main thread
 * @module
 */
import { startNameServer, WireClient } from "../harness.ts";
import { runtimeInfo, sendRequest, startHaBroker } from "../integration/_ha_cluster.ts";

const seconds = Number(Deno.args[0] ?? "5");
const rounds = Math.max(1, Number(Deno.args[1] ?? "2"));
const body = "x".repeat(1024);
const IN_FLIGHT = 32;

async function produce(port: number, ms: number): Promise<number> {
  const client = await WireClient.connect(port);
  let sent = 0;
  const end = performance.now() + ms;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async (_, w) => {
    for (let i = 0; performance.now() < end && i < 10_000_000; i++) {
      const r = await client.request(sendRequest("bench_ha", (w + i) % 8, body));
      if (r.code === 0) sent++;
    }
  }));
  await client.close();
  return sent / (ms / 1000);
}

/** CPU seconds (user + system, all threads) a process used so far; NaN off Linux. */
function cpuSeconds(pid: number): number {
  try {
    const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** CPU seconds per thread (`comm#tid`) of a process; empty off Linux. */
function threadSeconds(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const entry of Deno.readDirSync(`/proc/${pid}/task`)) {
      const text = Deno.readTextFileSync(`/proc/${pid}/task/${entry.name}/stat`);
      const comm = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
      const fields = text.slice(text.lastIndexOf(") ") + 2).split(" ");
      out.set(`${comm}#${entry.name}`, (Number(fields[11]) + Number(fields[12])) / 100);
    }
  } catch {
    // Not Linux, or the process is gone.
  }
  return out;
}

/** Per thread: CPU microseconds per message between two `threadSeconds` samples. */
function threadUs(a: Map<string, number>, b: Map<string, number>, messages: number) {
  const out: Record<string, number> = {};
  for (const [k, v] of b) {
    const us = Math.round((v - (a.get(k) ?? 0)) / messages * 1e6);
    if (us > 0) out[k] = us;
  }
  return out;
}

interface Run {
  tps: number;
  lagMaxMs: number;
  /** Master CPU per message, microseconds. */
  masterUs: number;
  /** Slave CPU per message, microseconds (0 alone). */
  slaveUs: number;
}

const profDir = Deno.env.get("HA_PROF_DIR");
const masterRole = Deno.env.get("HA_MASTER_ROLE") === "SYNC_MASTER"
  ? "SYNC_MASTER"
  : "ASYNC_MASTER";
let runNumber = 0;

function profFlags(name: string): string[] | undefined {
  if (profDir === undefined) return undefined;
  return ["--cpu-prof", `--cpu-prof-dir=${profDir}/${runNumber}-${name}`];
}

async function run(withSlave: boolean): Promise<Run> {
  runNumber++;
  const namesrv = await startNameServer();
  const dirs = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  const extra = {
    mappedFileSizeCommitLog: String(256 * 1024 * 1024),
    maxMessageSize: "65536",
    haTransferBatchSize: Deno.env.get("HA_BATCH") ?? "32768",
  };
  const master = await startHaBroker({
    namesrvPort: namesrv.port,
    storeDir: dirs[0]!,
    role: masterRole,
    extra,
    denoFlags: profFlags("master"),
  });
  const slave = withSlave
    ? await startHaBroker({
      namesrvPort: namesrv.port,
      storeDir: dirs[1]!,
      role: "SLAVE",
      extra,
      denoFlags: profFlags("slave"),
    })
    : undefined;
  await produce(master.port, 1000); // warm-up, creates the topic
  let behindMax = 0;
  let sampling = true;
  const sampler = (async () => {
    for (let i = 0; sampling && i < 100_000; i++) {
      if (slave !== undefined) {
        const info = await runtimeInfo(master.port);
        behindMax = Math.max(behindMax, Number(info.slaveFallBehindBytes ?? "0"));
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const cpu0 = [cpuSeconds(master.child.pid), slave ? cpuSeconds(slave.child.pid) : 0];
  const threads0 = [threadSeconds(master.child.pid), threadSeconds(slave?.child.pid ?? -1)];
  const tps = await produce(master.port, seconds * 1000);
  const cpu1 = [cpuSeconds(master.child.pid), slave ? cpuSeconds(slave.child.pid) : 0];
  const threads1 = [threadSeconds(master.child.pid), threadSeconds(slave?.child.pid ?? -1)];
  if (Deno.env.get("HA_THREADS") !== undefined) {
    const threads = [0, 1].map((k) => threadUs(threads0[k]!, threads1[k]!, tps * seconds));
    const line = JSON.stringify({ withSlave, master: threads[0], slave: threads[1] }) + "\n";
    await Deno.stderr.write(new TextEncoder().encode(line));
  }
  const perMessageUs = (k: number) => (cpu1[k]! - cpu0[k]!) / (tps * seconds) * 1e6;
  sampling = false;
  await sampler;
  await slave?.stop();
  await master.stop();
  await namesrv.stop();
  for (const d of dirs) await Deno.remove(d, { recursive: true }).catch(() => undefined);
  // Lag in time: the largest backlog divided by the rate bytes were produced at.
  const recordBytes = 1024 + 200;
  return {
    tps,
    lagMaxMs: (behindMax / (tps * recordBytes)) * 1000,
    masterUs: perMessageUs(0),
    slaveUs: perMessageUs(1),
  };
}

// Alone and with a slave in ABBA order (A B B A, repeated), so drift of a
// shared machine's load hits both sides alike; the ratio compares the sums.
const runs: ({ withSlave: boolean } & Run)[] = [];
for (let r = 0; r < rounds; r++) {
  for (const withSlave of r % 2 === 0 ? [false, true] : [true, false]) {
    runs.push({ withSlave, ...await run(withSlave) });
  }
}
const of = (withSlave: boolean) => runs.filter((x) => x.withSlave === withSlave);
const sum = (withSlave: boolean) => of(withSlave).reduce((n, x) => n + x.tps, 0);
const mean = (values: number[]) => Math.round(values.reduce((n, v) => n + v, 0) / values.length);
const out = {
  aloneTps: runs.filter((x) => !x.withSlave).map((x) => Math.round(x.tps)),
  withSlaveTps: runs.filter((x) => x.withSlave).map((x) => Math.round(x.tps)),
  ratio: Number((sum(true) / sum(false)).toFixed(2)),
  slaveLagMaxMs: Math.round(Math.max(...of(true).map((x) => x.lagMaxMs))),
  masterCpuUsPerMsgAlone: mean(of(false).map((x) => x.masterUs)),
  masterCpuUsPerMsgWithSlave: mean(of(true).map((x) => x.masterUs)),
  slaveCpuUsPerMsg: mean(of(true).map((x) => x.slaveUs)),
};
await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(out) + "\n"));
