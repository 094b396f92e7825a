/**
 * `deleteTopic`: deletes a topic from every master of a cluster (DELETE_TOPIC_IN_BROKER),
 * then from every name server (DELETE_TOPIC_IN_NAMESRV).
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand } from "./_command.ts";
import { reqString } from "./_command.ts";

/** `mqadmin deleteTopic -t topic -c cluster`. */
export const deleteTopic: AdminCommand = {
  name: "deleteTopic",
  description: "Delete topic from broker and NameServer",
  options: {
    topic: { short: "t", description: "Topic name", required: true },
    clusterName: { short: "c", description: "Delete topic from which cluster", required: true },
  },
  async run(ctx, values) {
    const topic = reqString(values, "topic");
    const clusterName = reqString(values, "clusterName");
    await (await ctx.admin()).deleteTopic(topic, { clusterName });
    ctx.io.out(`delete topic [${topic}] from cluster [${clusterName}] success.`);
    ctx.io.out(`delete topic [${topic}] from NameServer success.`);
    return 0;
  },
};
