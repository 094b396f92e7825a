/**
 * `topicStatus`: per queue of a topic, min and max offset and the last update time
 * (GET_TOPIC_STATS_INFO on every master of the route).
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand } from "./_command.ts";
import { reqString } from "./_command.ts";
import { formatTable, formatTime } from "./_table.ts";

/** `mqadmin topicStatus -t topic`. */
export const topicStatus: AdminCommand = {
  name: "topicStatus",
  description: "Examine topic Status info",
  options: {
    topic: { short: "t", description: "Topic name", required: true },
    clusterName: { short: "c", description: "Cluster name (ignored: the route decides)" },
  },
  async run(ctx, values) {
    const admin = await ctx.admin();
    const stats = await admin.topicStats(reqString(values, "topic"));
    stats.sort((a, b) =>
      a.mq.brokerName.localeCompare(b.mq.brokerName) || a.mq.queueId - b.mq.queueId
    );
    const rows = stats.map((s) => [
      s.mq.brokerName,
      s.mq.queueId,
      s.minOffset,
      s.maxOffset,
      formatTime(s.lastUpdateTimestamp),
    ]);
    ctx.io.out(
      formatTable(["Broker Name", "QID", "Min Offset", "Max Offset", "Last Updated"], rows),
    );
    return 0;
  },
};
