/**
 * `queryMsgByOffset`: the message at one queue offset, pulled from the queue's master
 * (PULL_MESSAGE of one message, no suspend, no commit).
 *
 * Runs on: main thread
 * @module
 */
import type { AdminCommand } from "./_command.ts";
import { intOption, reqString } from "./_command.ts";
import { formatMessage, fromMessageExt } from "./_message_text.ts";
import { masterOf } from "./_routes.ts";

/** Group the tool pulls as (Java's tools use the same name). */
export const TOOLS_CONSUMER_GROUP = "TOOLS_CONSUMER";

/** `mqadmin queryMsgByOffset -t topic -b brokerName -i queueId -o offset`. */
export const queryMsgByOffset: AdminCommand = {
  name: "queryMsgByOffset",
  description: "Query Message by offset",
  options: {
    topic: { short: "t", description: "Topic name", required: true },
    brokerName: { short: "b", description: "Broker Name", required: true },
    queueId: { short: "i", description: "Queue Id", required: true },
    offset: { short: "o", description: "Queue Offset", required: true },
  },
  async run(ctx, values) {
    const topic = reqString(values, "topic");
    const queueId = intOption(values, "queueId", { fallback: 0, min: 0, max: 65535 });
    const offset = intOption(values, "offset", { fallback: 0, min: 0 });
    const master = masterOf(await ctx.route(topic), reqString(values, "brokerName"));
    const [message] = await ctx.requests().pull(
      master.addr,
      { topic, queueId, group: TOOLS_CONSUMER_GROUP },
      { offset, maxNums: 1 },
    );
    if (message === undefined || message.queueOffset !== offset) {
      ctx.io.err(`No message at offset ${offset} of "${topic}" queue ${queueId}`);
      return 1;
    }
    ctx.io.out(formatMessage(fromMessageExt(message)));
    return 0;
  },
};
