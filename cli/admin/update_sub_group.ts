/**
 * `updateSubGroup`: creates or updates a subscription group on one broker (`-b`) or every
 * master of a cluster (`-c`) with UPDATE_AND_CREATE_SUBSCRIPTIONGROUP; Java's defaults.
 *
 * Runs on: main thread
 * @module
 */
import { validateGroup } from "../../common/mod.ts";
import { UsageError } from "../exit_codes.ts";
import type { AdminCommand } from "./_command.ts";
import { boolOption, brokerOrCluster, intOption, optString, reqString } from "./_command.ts";

/** `mqadmin updateSubGroup -g group (-b addr | -c cluster) [-s -m -d -q -r -i -w -a]`. */
export const updateSubGroup: AdminCommand = {
  name: "updateSubGroup",
  description: "Update or create subscription group",
  options: {
    groupName: { short: "g", description: "Consumer group name", required: true },
    brokerAddr: { short: "b", description: "Create subscription group to which broker" },
    clusterName: { short: "c", description: "Create subscription group to which cluster" },
    consumeEnable: { short: "s", description: "Consume enable (true|false, default true)" },
    consumeFromMinEnable: { short: "m", description: "Consume from min enable (default true)" },
    consumeBroadcastEnable: { short: "d", description: "Broadcast enable (default true)" },
    retryQueueNums: { short: "q", description: "Retry queue nums (default 1)" },
    retryMaxTimes: { short: "r", description: "Retry max times (default 16)" },
    brokerId: { short: "i", description: "Consumer from which broker id (default 0)" },
    whichBrokerWhenConsumeSlowly: {
      short: "w",
      description: "Which broker id when consume slowly (default 1)",
    },
    notifyConsumerIdsChanged: {
      short: "a",
      description: "Notify consumer ids changed (default true)",
    },
  },
  check: brokerOrCluster,
  async run(ctx, values) {
    const groupName = reqString(values, "groupName");
    const check = validateGroup(groupName);
    if (!check.ok) throw new UsageError(`Invalid group name "${groupName}": ${check.message}`);
    const config = {
      groupName,
      consumeEnable: boolOption(values, "consumeEnable", true),
      consumeFromMinEnable: boolOption(values, "consumeFromMinEnable", true),
      consumeBroadcastEnable: boolOption(values, "consumeBroadcastEnable", true),
      retryQueueNums: intOption(values, "retryQueueNums", { fallback: 1, min: 0, max: 1024 }),
      retryMaxTimes: intOption(values, "retryMaxTimes", { fallback: 16, min: -1, max: 1000 }),
      brokerId: intOption(values, "brokerId", { fallback: 0, min: 0, max: 1024 }),
      whichBrokerWhenConsumeSlowly: intOption(values, "whichBrokerWhenConsumeSlowly", {
        fallback: 1,
        min: 0,
        max: 1024,
      }),
      notifyConsumerIdsChangedEnable: boolOption(values, "notifyConsumerIdsChanged", true),
    };
    const admin = await ctx.admin();
    const one = optString(values, "brokerAddr");
    const addrs = one !== undefined
      ? [one]
      : (await ctx.clusterBrokers(optString(values, "clusterName") ?? "", true)).map((b) => b.addr);
    for (const addr of addrs) {
      await admin.createSubscriptionGroup(groupName, { brokerAddr: addr }, config);
      ctx.io.out(`create subscription group to ${addr} success.`);
    }
    ctx.io.out(JSON.stringify(config));
    return 0;
  },
};
