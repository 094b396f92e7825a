/**
 * `statsAll`: per topic and consuming group, the backlog (accumulation) and TPS in/out.
 * Topics and their groups come from the name server and QUERY_TOPIC_CONSUME_BY_WHO, the
 * backlog from GET_CONSUME_STATS, TPS from VIEW_BROKER_STATS_DATA (315) when the broker
 * serves it (otherwise `-` and one note on stderr with the broker's remark).
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand, AdminContext } from "./_command.ts";
import { boolOption, optString } from "./_command.ts";
import { routeMasters } from "./_routes.ts";
import { formatTable } from "./_table.ts";

interface StatsReader {
  tps(addr: string, statsName: string, key: string): Promise<number | undefined>;
}

function statsReader(ctx: AdminContext): StatsReader {
  let served = true;
  return {
    async tps(addr, statsName, key) {
      if (!served) return undefined;
      try {
        return (await ctx.requests().brokerStats(addr, statsName, key)).tps;
      } catch (error) {
        const remark = (error as { remark?: unknown }).remark;
        if (remark === undefined) throw error;
        served = false;
        ctx.io.err(
          `Broker ${addr} has no stats data (VIEW_BROKER_STATS_DATA): ${String(remark).trim()}`,
        );
        return undefined;
      }
    },
  };
}

function tpsText(value: number | undefined): string {
  return value === undefined ? "-" : value.toFixed(2);
}

/** `mqadmin statsAll [-t topic] [-a]`. */
export const statsAll: AdminCommand = {
  name: "statsAll",
  description: "Topic and Consumer tps stats",
  options: {
    topic: { short: "t", description: "Only this topic" },
    activeTopic: { short: "a", type: "boolean", description: "Print active topic only" },
  },
  async run(ctx, values) {
    const admin = await ctx.admin();
    const one = optString(values, "topic");
    const topics = one !== undefined ? [one] : (await admin.topicList()).sort();
    const reader = statsReader(ctx);
    const activeOnly = boolOption(values, "activeTopic", false);
    const rows: unknown[][] = [];
    for (const topic of topics) {
      if (topic.startsWith("%RETRY%") || topic.startsWith("%DLQ%")) continue;
      const masters = routeMasters(await admin.topicRoute(topic));
      let inTps: number | undefined = 0;
      const groups = new Set<string>();
      for (const m of masters) {
        const t = await reader.tps(m.addr, "TOPIC_PUT_NUMS", topic);
        inTps = t === undefined || inTps === undefined ? undefined : inTps + t;
        for (const g of await ctx.requests().topicConsumeByWho(m.addr, topic)) groups.add(g);
      }
      if (groups.size === 0) {
        if (!activeOnly || (inTps ?? 0) > 0) rows.push([topic, "", 0, tpsText(inTps), tpsText(0)]);
        continue;
      }
      for (const group of [...groups].sort()) {
        const stats = await admin.consumeStats(group, topic);
        const diff = stats.reduce(
          (sum, s) => sum + Math.max(0, s.brokerOffset - s.consumerOffset),
          0,
        );
        let outTps: number | undefined = 0;
        for (const m of masters) {
          const t = await reader.tps(m.addr, "GROUP_GET_NUMS", `${topic}@${group}`);
          outTps = t === undefined || outTps === undefined ? undefined : outTps + t;
        }
        rows.push([topic, group, diff, tpsText(inTps), tpsText(outTps)]);
      }
    }
    ctx.io.out(formatTable(["Topic", "Consumer Group", "Accumulation", "InTPS", "OutTPS"], rows));
    return 0;
  },
};
