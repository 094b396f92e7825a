/**
 * `getBrokerConfig`: the broker's configuration (GET_BROKER_CONFIG) as sorted `key = value`
 * lines, for one broker or every broker of a cluster.
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand } from "./_command.ts";
import { brokerOrCluster, optString } from "./_command.ts";

/** `mqadmin getBrokerConfig -b addr | -c cluster`. */
export const getBrokerConfig: AdminCommand = {
  name: "getBrokerConfig",
  description: "Get broker config by cluster or special broker",
  options: {
    brokerAddr: { short: "b", description: "Get which broker" },
    clusterName: { short: "c", description: "Get which cluster" },
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
      const config = await admin.brokerConfig(addr);
      ctx.io.out(`============${addr}============`);
      for (const key of Object.keys(config).sort()) {
        ctx.io.out(`${key.padEnd(50)} =  ${config[key]}`);
      }
    }
    return 0;
  },
};
