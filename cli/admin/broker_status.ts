/**
 * `brokerStatus`: the broker's runtime KV table (GET_BROKER_RUNTIME_INFO), sorted by key, for
 * one broker (`-b`) or every broker of a cluster (`-c`, lines prefixed with the address).
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand } from "./_command.ts";
import { brokerOrCluster, optString } from "./_command.ts";
import { formatKeyValues } from "./_table.ts";

/** `mqadmin brokerStatus -b addr | -c cluster`. */
export const brokerStatus: AdminCommand = {
  name: "brokerStatus",
  description: "Fetch broker runtime status data",
  options: {
    brokerAddr: { short: "b", description: "Broker address" },
    clusterName: { short: "c", description: "Cluster name" },
  },
  check: brokerOrCluster,
  async run(ctx, values) {
    const admin = await ctx.admin();
    const one = optString(values, "brokerAddr");
    const addrs = one !== undefined
      ? [one]
      : (await ctx.clusterBrokers(optString(values, "clusterName") ?? "", false)).map((b) =>
        b.addr
      );
    for (const addr of addrs) {
      const table = await admin.brokerRuntimeInfo(addr);
      const entries = Object.entries(table).sort(([a], [b]) => a.localeCompare(b));
      const text = formatKeyValues(entries);
      ctx.io.out(
        one !== undefined ? text : text.split("\n").map((l) => `${addr}  ${l}`).join("\n"),
      );
    }
    return 0;
  },
};
