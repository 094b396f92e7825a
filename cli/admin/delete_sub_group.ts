/**
 * `deleteSubGroup`: deletes a subscription group from one broker or every master of a
 * cluster (DELETE_SUBSCRIPTIONGROUP), optionally with its offsets (`-r true`).
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand } from "./_command.ts";
import { boolOption, brokerOrCluster, optString, reqString } from "./_command.ts";

/** `mqadmin deleteSubGroup -g group (-b addr | -c cluster) [-r true]`. */
export const deleteSubGroup: AdminCommand = {
  name: "deleteSubGroup",
  description: "Delete subscription group from broker",
  options: {
    groupName: { short: "g", description: "Subscription group name", required: true },
    brokerAddr: { short: "b", description: "Delete subscription group from which broker" },
    clusterName: { short: "c", description: "Delete subscription group from which cluster" },
    removeOffset: { short: "r", description: "Remove the group's offsets too (true|false)" },
  },
  check: brokerOrCluster,
  async run(ctx, values) {
    const group = reqString(values, "groupName");
    const cleanOffset = boolOption(values, "removeOffset", false);
    const admin = await ctx.admin();
    const one = optString(values, "brokerAddr");
    const cluster = optString(values, "clusterName");
    const addrs = one !== undefined
      ? [one]
      : (await ctx.clusterBrokers(cluster ?? "", true)).map((b) => b.addr);
    for (const addr of addrs) {
      await admin.deleteSubscriptionGroup(group, { brokerAddr: addr }, cleanOffset);
      ctx.io.out(
        `delete subscription group [${group}] from broker [${addr}]` +
          `${cluster === undefined ? "" : ` in cluster [${cluster}]`} success.`,
      );
    }
    return 0;
  },
};
