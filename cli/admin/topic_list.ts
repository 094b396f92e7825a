/**
 * `topicList`: every topic the name servers know, one per line; with `-c`, a table of cluster,
 * topic and the groups that consume it (QUERY_TOPIC_CONSUME_BY_WHO per master).
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand } from "./_command.ts";
import { boolOption } from "./_command.ts";
import { routeMasters } from "./_routes.ts";
import { formatTable } from "./_table.ts";

/** `mqadmin topicList [-c]`. */
export const topicList: AdminCommand = {
  name: "topicList",
  description: "Fetch all topic list from name server",
  options: {
    clusterModel: { short: "c", type: "boolean", description: "Print cluster and consumer groups" },
  },
  async run(ctx, values) {
    const admin = await ctx.admin();
    const topics = (await admin.topicList()).sort();
    if (!boolOption(values, "clusterModel", false)) {
      ctx.io.out(topics.join("\n"));
      return 0;
    }
    const rows: unknown[][] = [];
    for (const topic of topics) {
      if (topic.startsWith("%RETRY%") || topic.startsWith("%DLQ%")) continue;
      const route = await admin.topicRoute(topic);
      const cluster = route.brokerDatas[0]?.cluster ?? "";
      const groups = new Set<string>();
      for (const m of routeMasters(route)) {
        for (const g of await ctx.requests().topicConsumeByWho(m.addr, topic)) groups.add(g);
      }
      if (groups.size === 0) rows.push([cluster, topic, ""]);
      for (const g of [...groups].sort()) rows.push([cluster, topic, g]);
    }
    ctx.io.out(formatTable(["Cluster Name", "Topic", "Consumer Group"], rows));
    return 0;
  },
};
