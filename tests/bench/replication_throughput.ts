/**
 * Replication benchmark (a script, not `Deno.bench`): produce throughput of an
 * ASYNC_MASTER alone and with one slave attached, and the slave's lag under
 * that load (largest backlog of master bytes the slave had not confirmed,
 * sampled every 50 ms, divided by the produce rate in bytes per second). Real processes on 127.0.0.1; 1 KiB bodies, 32 sends in flight.
 *
 * ```
 * deno run -A tests/bench/replication_throughput.ts [seconds]
 * ```
 *
 * Runs on: main thread
 * @module
 */
import { startNameServer, WireClient } from "../harness.ts";
import { runtimeInfo, sendRequest, startHaBroker } from "../integration/_ha_cluster.ts";

const seconds = Number(Deno.args[0] ?? "5");
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

async function run(withSlave: boolean): Promise<{ tps: number; lagMaxMs: number }> {
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
    role: "ASYNC_MASTER",
    extra,
  });
  const slave = withSlave
    ? await startHaBroker({ namesrvPort: namesrv.port, storeDir: dirs[1]!, role: "SLAVE", extra })
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
  const tps = await produce(master.port, seconds * 1000);
  sampling = false;
  await sampler;
  await slave?.stop();
  await master.stop();
  await namesrv.stop();
  for (const d of dirs) await Deno.remove(d, { recursive: true }).catch(() => undefined);
  // Lag in time: the largest backlog divided by the rate bytes were produced at.
  const recordBytes = 1024 + 200;
  return { tps, lagMaxMs: (behindMax / (tps * recordBytes)) * 1000 };
}

const alone = await run(false);
const replicated = await run(true);
const out = {
  aloneTps: Math.round(alone.tps),
  withSlaveTps: Math.round(replicated.tps),
  ratio: Number((replicated.tps / alone.tps).toFixed(2)),
  slaveLagMaxMs: Math.round(replicated.lagMaxMs),
};
await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(out) + "\n"));
