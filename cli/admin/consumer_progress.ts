/**
 * `consumerProgress`: per queue of a group, the broker offset, the consumer offset and the
 * lag (diff), from GET_CONSUME_STATS on every broker; ends with the group's pull rate over
 * the last minute (summed over masters) and the total diff.
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand } from "./_command.ts";
import { optString, reqString } from "./_command.ts";
import { formatTable, formatTime } from "./_table.ts";

/** `mqadmin consumerProgress -g group [-t topic]`. */
export const consumerProgress: AdminCommand = {
  name: "consumerProgress",
  description: "Query consumers's progress, speed",
  options: {
    groupName: { short: "g", description: "Consumer group name", required: true },
    topicName: { short: "t", description: "Only this topic" },
  },
  async run(ctx, values) {
    const group = reqString(values, "groupName");
    const topic = optString(values, "topicName");
    const admin = await ctx.admin();
    const stats = await admin.consumeStats(group, topic);
    let tps = 0;
    for (const clusterName of (await admin.clusterInfo()).clusterAddrTable.keys()) {
      for (const b of await ctx.clusterBrokers(clusterName, true)) {
        tps += await ctx.requests().consumeTps(b.addr, group, topic);
      }
    }
    stats.sort((a, b) =>
      a.mq.topic.localeCompare(b.mq.topic) || a.mq.brokerName.localeCompare(b.mq.brokerName) ||
      a.mq.queueId - b.mq.queueId
    );
    let total = 0;
    const rows = stats.map((s) => {
      const diff = Math.max(0, s.brokerOffset - s.consumerOffset);
      total += diff;
      return [
        s.mq.topic,
        s.mq.brokerName,
        s.mq.queueId,
        s.brokerOffset,
        s.consumerOffset,
        "N/A",
        diff,
        formatTime(s.lastTimestamp),
      ];
    });
    ctx.io.out(formatTable(
      [
        "Topic",
        "Broker Name",
        "QID",
        "Broker Offset",
        "Consumer Offset",
        "Client IP",
        "Diff",
        "LastTime",
      ],
      rows,
    ));
    ctx.io.out("");
    ctx.io.out(`Consume TPS: ${tps.toFixed(2)}`);
    ctx.io.out(`Diff Total: ${total}`);
    return 0;
  },
};
