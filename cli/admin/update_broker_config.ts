/**
 * `updateBrokerConfig`: sets one broker setting at run time (UPDATE_BROKER_CONFIG, body
 * `key=value`) on one broker or every broker of a cluster; a broker that refuses answers
 * with its remark, which is printed.
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand } from "./_command.ts";
import { brokerOrCluster, optString, reqString } from "./_command.ts";

/** `mqadmin updateBrokerConfig (-b addr | -c cluster) -k key -v value`. */
export const updateBrokerConfig: AdminCommand = {
  name: "updateBrokerConfig",
  description: "Update broker's config",
  options: {
    brokerAddr: { short: "b", description: "Update which broker" },
    clusterName: { short: "c", description: "Update which cluster" },
    key: { short: "k", description: "Config key", required: true },
    value: { short: "v", description: "Config value", required: true },
  },
  check: brokerOrCluster,
  async run(ctx, values) {
    const key = reqString(values, "key");
    const value = reqString(values, "value");
    const one = optString(values, "brokerAddr");
    const addrs = one !== undefined
      ? [one]
      : (await ctx.clusterBrokers(optString(values, "clusterName") ?? "", false)).map((b) =>
        b.addr
      );
    for (const addr of addrs) {
      await ctx.requests().updateBrokerConfig(addr, { [key]: value });
      ctx.io.out(`update broker config success, ${addr}`);
    }
    return 0;
  },
};
