/**
 * `clusterList`: every broker of every cluster with version, TPS in/out, page-cache wait,
 * hours of stored messages and disk use (GET_BROKER_CLUSTER_INFO, then
 * GET_BROKER_RUNTIME_INFO per broker).
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand } from "./_command.ts";
import { optString } from "./_command.ts";
import { formatTable } from "./_table.ts";

function firstNumber(text: string | undefined): number {
  const n = Number((text ?? "").trim().split(/\s+/)[0]);
  return Number.isFinite(n) ? n : 0;
}

/** `mqadmin clusterList [-c cluster]`. */
export const clusterList: AdminCommand = {
  name: "clusterList",
  description: "List cluster infos",
  options: {
    clusterName: { short: "c", description: "Only this cluster" },
  },
  async run(ctx, values) {
    const admin = await ctx.admin();
    const info = await admin.clusterInfo();
    const only = optString(values, "clusterName");
    const rows: unknown[][] = [];
    for (const clusterName of [...info.clusterAddrTable.keys()].sort()) {
      if (only !== undefined && only !== clusterName) continue;
      for (const broker of await ctx.clusterBrokers(clusterName, false)) {
        let rt: Record<string, string> = {};
        try {
          rt = await admin.brokerRuntimeInfo(broker.addr);
        } catch (error) {
          ctx.io.err(`Cannot read runtime info of ${broker.addr}: ${String(error)}`);
        }
        const earliest = Number(rt.earliestMessageTimeStamp ?? 0);
        const hours = earliest > 0 ? ((Date.now() - earliest) / 3_600_000).toFixed(2) : "0.00";
        rows.push([
          clusterName,
          broker.brokerName,
          broker.brokerId,
          broker.addr,
          rt.brokerVersionDesc ?? "-",
          firstNumber(rt.putTps).toFixed(2),
          firstNumber(rt.getTotalTps).toFixed(2),
          rt.pageCacheLockTimeMills ?? "0",
          hours,
          `${(Number(rt.commitLogDiskRatio ?? 0) * 100).toFixed(2)}%`,
        ]);
      }
    }
    ctx.io.out(formatTable(
      [
        "Cluster Name",
        "Broker Name",
        "BID",
        "Addr",
        "Version",
        "InTPS",
        "OutTPS",
        "PCWait(ms)",
        "Hour",
        "SPACE",
      ],
      rows,
    ));
    return 0;
  },
};
