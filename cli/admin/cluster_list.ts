/**
 * `clusterList`: every broker of every cluster with version, TPS in/out, page-cache wait,
 * hours of stored messages and disk use (GET_BROKER_CLUSTER_INFO, then
 * GET_BROKER_RUNTIME_INFO per broker). With `-m`, as Java's `moreStats`: messages in and out
 * yesterday and today (from the runtime info's midnight marks). With `-i seconds`, as Java's:
 * the table again every `i` seconds, until interrupted (SIGINT/SIGTERM end the wait and the
 * command exits 0) or, unlike Java, after `--rounds` tables when that is given.
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand, AdminContext, OptionValues } from "./_command.ts";
import { boolOption, intOption, optString } from "./_command.ts";
import { formatTable } from "./_table.ts";

function firstNumber(text: string | undefined): number {
  const n = Number((text ?? "").trim().split(/\s+/)[0]);
  return Number.isFinite(n) ? n : 0;
}

function dayTotals(rt: Record<string, string>): number[] {
  const n = (key: string) => Number(rt[key] ?? 0) || 0;
  return [
    n("msgPutTotalTodayMorning") - n("msgPutTotalYesterdayMorning"),
    n("msgGetTotalTodayMorning") - n("msgGetTotalYesterdayMorning"),
    n("msgPutTotalTodayNow") - n("msgPutTotalTodayMorning"),
    n("msgGetTotalTodayNow") - n("msgGetTotalTodayMorning"),
  ];
}

const MORE_HEADERS = [
  "Cluster Name",
  "Broker Name",
  "InTotalYest",
  "OutTotalYest",
  "InTotalToday",
  "OutTotalToday",
];

/** `mqadmin clusterList [-c cluster] [-m true] [-i seconds [--rounds n]]`. */
export const clusterList: AdminCommand = {
  name: "clusterList",
  description: "List cluster infos",
  options: {
    clusterName: { short: "c", description: "Only this cluster" },
    moreStats: { short: "m", description: "Print messages in and out yesterday and today" },
    interval: { short: "i", description: "Print again every this many seconds until interrupted" },
    rounds: { description: "With -i: stop after this many tables (default: until interrupted)" },
  },
  check: (values) =>
    values.rounds !== undefined && values.interval === undefined
      ? "Option --rounds needs -i <seconds>"
      : undefined,
  async run(ctx, values) {
    if (values.interval === undefined) return await printOnce(ctx, values);
    const seconds = intOption(values, "interval", { fallback: 1, min: 1, max: 86_400 });
    const rounds = intOption(values, "rounds", {
      fallback: Number.MAX_SAFE_INTEGER,
      min: 1,
    });
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
    for (const signal of signals) Deno.addSignalListener(signal, onSignal);
    try {
      for (let round = 1; round <= rounds && !stop.signal.aborted; round++) {
        const code = await printOnce(ctx, values);
        if (code !== 0) return code;
        if (round < rounds) await sleep(seconds * 1000, stop.signal);
      }
    } finally {
      for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
    }
    return 0;
  },
};

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

async function printOnce(ctx: AdminContext, values: OptionValues): Promise<number> {
  const admin = await ctx.admin();
  const info = await admin.clusterInfo();
  const only = optString(values, "clusterName");
  const more = boolOption(values, "moreStats", false);
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
      if (more) {
        rows.push([clusterName, broker.brokerName, ...dayTotals(rt)]);
        continue;
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
  if (more) {
    ctx.io.out(formatTable(MORE_HEADERS, rows));
    return 0;
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
}
