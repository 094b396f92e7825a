/**
 * `resetOffsetByTime`: moves a group's offsets of a topic to the first message stored at or
 * after a time. Asks each master to do it (INVOKE_BROKER_TO_RESET_OFFSET, 222); when a
 * broker refuses, prints its remark and falls back to Java's old way: search the offset of
 * each queue (SEARCH_OFFSET_BY_TIMESTAMP) and commit it (UPDATE_CONSUMER_OFFSET). Online
 * consumers are not told in the fallback and may commit their own offsets over it.
 *
 * Runs on: main thread
 * @module
 */
import { UsageError } from "../exit_codes.ts";
import type { AdminCommand } from "./_command.ts";
import { boolOption, reqString } from "./_command.ts";
import { routeMasters } from "./_routes.ts";
import { formatTable } from "./_table.ts";

const JAVA_TIME = /^(\d{4})-(\d{2})-(\d{2})#(\d{2}):(\d{2}):(\d{2}):(\d{3})$/;

/** Parses `now`, milliseconds, or Java's `yyyy-MM-dd#HH:mm:ss:SSS` (local time). */
export function parseResetTime(text: string, now: number): number {
  if (text === "now") return now;
  if (/^\d+$/.test(text)) return Number(text);
  const m = JAVA_TIME.exec(text);
  if (m === null) {
    throw new UsageError(
      `Invalid value for --timestamp: "${text}" is not now, ms, or yyyy-MM-dd#HH:mm:ss:SSS`,
    );
  }
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number) as number[];
  return new Date(y ?? 0, (mo ?? 1) - 1, d, h, mi, s, ms).getTime();
}

/** `mqadmin resetOffsetByTime -g group -t topic -s time [-f true]`. */
export const resetOffsetByTime: AdminCommand = {
  name: "resetOffsetByTime",
  description: "Reset consumer offset by timestamp (without client restart)",
  options: {
    group: { short: "g", description: "Set the consumer group", required: true },
    topic: { short: "t", description: "Set the topic", required: true },
    timestamp: { short: "s", description: "now | ms | yyyy-MM-dd#HH:mm:ss:SSS", required: true },
    force: {
      short: "f",
      description: "Reset even if the offset would move forward (default true)",
    },
  },
  async run(ctx, values) {
    const group = reqString(values, "group");
    const topic = reqString(values, "topic");
    const timestamp = parseResetTime(reqString(values, "timestamp"), Date.now());
    const isForce = boolOption(values, "force", true);
    const requests = ctx.requests();
    const rows: unknown[][] = [];
    for (const m of routeMasters(await ctx.route(topic))) {
      try {
        const table = await requests.resetOffsetByBroker(m.addr, {
          topic,
          group,
          timestamp,
          isForce,
        });
        for (const [key, offset] of table) rows.push([m.brokerName, key, offset]);
        continue;
      } catch (error) {
        const remark = (error as { remark?: unknown }).remark;
        if (remark === undefined) throw error;
        ctx.io.err(
          `Broker ${m.addr} cannot reset offsets itself (${
            String(remark).trim()
          }); setting them directly`,
        );
      }
      for (let queueId = 0; queueId < m.writeQueueNums; queueId++) {
        const offset = await requests.searchOffset(m.addr, { topic, queueId }, timestamp);
        await requests.updateConsumerOffset(m.addr, { group, topic, queueId }, offset);
        rows.push([m.brokerName, queueId, offset]);
      }
    }
    ctx.io.out(formatTable(["brokerName", "queueId", "offset"], rows));
    return 0;
  },
};
