/**
 * `consumerProgress`: per queue of a group, the broker offset, the consumer offset and the
 * lag (diff), from GET_CONSUME_STATS on every broker; ends with the group's pull rate over
 * the last minute (summed over masters) and the total diff. Without `-g`, as Java does, one
 * line per group that has a retry topic (`%RETRY%<group>`): online consumers, version, PUSH or
 * PULL, model, TPS and total diff (`OFFLINE` when no consumer is connected).
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand, AdminContext } from "./_command.ts";
import { optString } from "./_command.ts";
import { formatTable, formatTime } from "./_table.ts";

const RETRY_PREFIX = "%RETRY%";

async function groupTps(ctx: AdminContext, group: string, topic?: string): Promise<number> {
  let tps = 0;
  for (const clusterName of (await (await ctx.admin()).clusterInfo()).clusterAddrTable.keys()) {
    for (const b of await ctx.clusterBrokers(clusterName, true)) {
      tps += await ctx.requests().consumeTps(b.addr, group, topic);
    }
  }
  return tps;
}

async function firstConnections(ctx: AdminContext, group: string) {
  for (const clusterName of (await (await ctx.admin()).clusterInfo()).clusterAddrTable.keys()) {
    for (const b of await ctx.clusterBrokers(clusterName, true)) {
      try {
        return await ctx.requests().consumerConnections(b.addr, group);
      } catch {
        // Not online on this broker: try the next one.
      }
    }
  }
  return undefined;
}

/** Java's summary without `-g`: one line per consumer group. */
async function allGroups(ctx: AdminContext): Promise<number> {
  const admin = await ctx.admin();
  const groups = (await admin.topicList())
    .filter((t) => t.startsWith(RETRY_PREFIX))
    .map((t) => t.slice(RETRY_PREFIX.length))
    .sort();
  const rows: unknown[][] = [];
  for (const group of groups) {
    const stats = await admin.consumeStats(group).catch(() => []);
    const diff = stats.reduce((n, s) => n + Math.max(0, s.brokerOffset - s.consumerOffset), 0);
    const conn = await firstConnections(ctx, group);
    const count = conn?.connections.length ?? 0;
    const type = conn?.consumeType === "CONSUME_PASSIVELY"
      ? "PUSH"
      : conn?.consumeType === "CONSUME_ACTIVELY"
      ? "PULL"
      : "";
    rows.push([
      group,
      count,
      count === 0 ? "OFFLINE" : String(conn?.connections[0]?.version ?? ""),
      type,
      conn?.messageModel ?? "",
      Math.round(await groupTps(ctx, group)),
      diff,
    ]);
  }
  ctx.io.out(
    formatTable(["Group", "Count", "Version", "Type", "Model", "TPS", "Diff Total"], rows),
  );
  return 0;
}

/** `mqadmin consumerProgress [-g group [-t topic]]`. */
export const consumerProgress: AdminCommand = {
  name: "consumerProgress",
  description: "Query consumers's progress, speed",
  options: {
    groupName: { short: "g", description: "Consumer group name (default: every group)" },
    topicName: { short: "t", description: "Only this topic" },
  },
  async run(ctx, values) {
    const group = optString(values, "groupName");
    if (group === undefined) return await allGroups(ctx);
    const topic = optString(values, "topicName");
    const admin = await ctx.admin();
    const stats = await admin.consumeStats(group, topic);
    const tps = await groupTps(ctx, group, topic);
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
