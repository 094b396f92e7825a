/**
 * `queryMsgByKey`: messages of a topic whose key is `-k` (QUERY_MESSAGE on every master of
 * the route), as a table of id, queue and offset.
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand } from "./_command.ts";
import { intOption, reqString } from "./_command.ts";
import { formatTable } from "./_table.ts";

/** `mqadmin queryMsgByKey -t topic -k key [-b begin] [-e end] [-c maxNum]`. */
export const queryMsgByKey: AdminCommand = {
  name: "queryMsgByKey",
  description: "Query Message by Key",
  options: {
    topic: { short: "t", description: "Topic name", required: true },
    msgKey: { short: "k", description: "Message Key", required: true },
    beginTimestamp: { short: "b", description: "Begin timestamp (ms)" },
    endTimestamp: { short: "e", description: "End timestamp (ms)" },
    maxNum: { short: "c", description: "The maximum number of messages returned (default 64)" },
  },
  async run(ctx, values) {
    const found = await (await ctx.admin()).queryMessage(
      reqString(values, "topic"),
      reqString(values, "msgKey"),
      {
        maxNum: intOption(values, "maxNum", { fallback: 64, min: 1, max: 10_000 }),
        beginTimestamp: intOption(values, "beginTimestamp", { fallback: 0, min: 0 }),
        endTimestamp: intOption(values, "endTimestamp", {
          fallback: Number.MAX_SAFE_INTEGER,
          min: 0,
        }),
      },
    );
    ctx.io.out(formatTable(
      ["Message ID", "QID", "Offset"],
      found.map((m) => [m.offsetMsgId, m.queueId, m.queueOffset]),
    ));
    return 0;
  },
};
