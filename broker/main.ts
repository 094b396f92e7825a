/**
 * `mqbroker`: the broker process; the command line is `broker_cli.ts`.
 *
 * ```
 * deno task mqbroker -c broker.properties [-n "host:port;host:port"] [-p]
 * ```
 *
 * Starts the default number of shard workers first (this module imports only
 * two dependency-free modules), so their isolates load on their own threads
 * while this thread loads the broker's module graph; the store takes them
 * when it opens and stops any it does not need. Start-up to accepting
 * connections is shorter by about a worker's load time.
 *
 * Runs on: main thread
 * @module
 */
import { machineShardCount } from "../common/shard_count.ts";
import { prewarmShardWorkers } from "../store/shard_worker_pool.ts";

const NO_STORE_FLAGS = new Set(["-p", "--printConfigItem", "-h", "--help"]);

if (import.meta.main) {
  if (!Deno.args.some((arg) => NO_STORE_FLAGS.has(arg))) prewarmShardWorkers(machineShardCount());
  const { runBrokerCli } = await import("./broker_cli.ts");
  Deno.exit(await runBrokerCli(Deno.args));
}
