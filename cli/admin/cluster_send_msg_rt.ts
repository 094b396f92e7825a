/**
 * `clusterSendMsgRT`: sends `-a` messages of `-s` bytes to each master of a cluster (to the
 * topic named after the broker, which every broker serves) and prints the average send time.
 *
 * Runs on: main thread
 * @module
 */
import { Producer } from "../../client/mod.ts";
import type { AdminCommand } from "./_command.ts";
import { intOption, optString } from "./_command.ts";
import { formatTable } from "./_table.ts";

/** `mqadmin clusterSendMsgRT [-c cluster] [-a 100] [-s 128]`. */
export const clusterSendMsgRT: AdminCommand = {
  name: "clusterSendMsgRT",
  description: "List All clusters Message Send RT",
  options: {
    cluster: { short: "c", description: "Which cluster (default all)" },
    amount: { short: "a", description: "Message amount per broker (default 100)" },
    size: { short: "s", description: "Message size in bytes (default 128)" },
  },
  async run(ctx, values) {
    const amount = intOption(values, "amount", { fallback: 100, min: 1, max: 100_000 });
    const size = intOption(values, "size", { fallback: 128, min: 1, max: 4 * 1024 * 1024 });
    const only = optString(values, "cluster");
    const info = await (await ctx.admin()).clusterInfo();
    const producer = new Producer({
      namesrvAddr: ctx.namesrvAddr,
      groupName: `PID_SMSC_${Date.now()}`,
      instanceName: "mqadmin",
      requestTimeoutMs: ctx.timeoutMs,
      sendTimeoutMs: ctx.timeoutMs,
      retryTimesWhenSendFailed: 0,
    });
    await producer.start();
    const rows: unknown[][] = [];
    try {
      const body = new Uint8Array(size).fill(0x61);
      for (const clusterName of [...info.clusterAddrTable.keys()].sort()) {
        if (only !== undefined && clusterName !== only) continue;
        for (const b of await ctx.clusterBrokers(clusterName, true)) {
          let ok = 0;
          let failed = 0;
          let elapsed = 0;
          const queue = { topic: b.brokerName, brokerName: b.brokerName, queueId: 0 };
          for (let i = 0; i < amount; i++) {
            const start = performance.now();
            try {
              await producer.send({ topic: b.brokerName, body }, { queue });
              ok++;
            } catch {
              failed++; // counted and reported in the table
            }
            elapsed += performance.now() - start;
          }
          rows.push([clusterName, b.brokerName, (elapsed / amount).toFixed(2), ok, failed]);
        }
      }
    } finally {
      await producer.shutdown();
    }
    ctx.io.out(
      formatTable(["Cluster Name", "Broker Name", "RT", "successCount", "failCount"], rows),
    );
    return 0;
  },
};
